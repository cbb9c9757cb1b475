import { Injectable } from '@nestjs/common';
import { Clock } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { LiveSnapshot, liveSnapshot } from './live-snapshot';
import { OpenRequestsRepository } from './open-requests.repository';

/** Reads presence (Redis) and waiting trips (PostgreSQL) and aggregates them for the live view. */
@Injectable()
export class LiveSupply {
  constructor(
    private readonly presence: PresenceStore,
    private readonly requests: OpenRequestsRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async snapshot(): Promise<LiveSnapshot> {
    const [drivers, requests] = await Promise.all([this.presence.all(), this.requests.all()]);
    const resolution = this.policy.inForce().document.privacy.publicH3Resolution;
    return liveSnapshot(
      drivers.map((d) => ({ lat: d.lat, lng: d.lng, free: d.availability === 'free' })),
      requests,
      resolution,
      this.clock.nowMs(),
    );
  }
}
