import { LiveSupply } from './live-supply';
import { MembersGateway } from './members.gateway';
import { OpenRequestsRepository } from './open-requests.repository';

/** The members' live view: the /members namespace and what it reads. */
export const liveProviders = [OpenRequestsRepository, LiveSupply, MembersGateway];
