import { z } from 'zod';
import { SocketNamespaceDoc, jobKindSchema, moneySchema, pointSchema, uuidSchema, vehicleKindSchema } from '@coop/platform';
import { tripStatuses } from '../trips/trip-state-machine';
import {
  emptySchema,
  goOnlineSchema,
  locationFixSchema,
  offerAnswerSchema,
  offerDeclineSchema,
  tripCompletionSchema,
  tripRefSchema,
} from './driver-events.schemas';

const offerSchema = z.object({
  offerId: uuidSchema,
  tripId: uuidSchema,
  kind: jobKindSchema,
  vehicleKind: vehicleKindSchema,
  pickup: pointSchema,
  dropoff: pointSchema,
  fare: moneySchema,
  expiresAt: z.string().datetime(),
  decisionIndex: z.number().int().nullable().describe('Where the decision behind this offer sits in the transparency log'),
});

/** The driver app's events, for /docs; the payload schemas are the ones the gateway validates with. */
export const driverSocketDocs: SocketNamespaceDoc = {
  namespace: '/drivers',
  summary: 'The driver app: presence, location, offers and the trip. Handshake auth: { token } of an approved driver.',
  events: [
    { event: 'driver:online', direction: 'client-to-server', summary: 'Go online with a vehicle; offers can come once a location fix arrives.', payload: goOnlineSchema, ack: '{ ok: true, availability }', errors: ['DRIVER_NOT_APPROVED', 'VALIDATION_FAILED'] },
    { event: 'driver:location', direction: 'client-to-server', summary: 'A location fix (every few seconds); forwarded to the rider while on a trip.', payload: locationFixSchema, ack: '{ ok: true }', errors: ['DRIVER_NOT_ONLINE', 'VALIDATION_FAILED'] },
    { event: 'driver:offline', direction: 'client-to-server', summary: 'Stop receiving offers.', payload: emptySchema, ack: '{ ok: true }', errors: ['DRIVER_BUSY'] },
    { event: 'offer:accept', direction: 'client-to-server', summary: 'Take the offered trip; the database decides races (exactly one driver wins).', payload: offerAnswerSchema, ack: '{ ok: true, trip }', errors: ['OFFER_NOT_FOUND', 'NOT_YOUR_OFFER', 'OFFER_EXPIRED', 'OFFER_REVOKED', 'OFFER_ALREADY_ANSWERED', 'TRIP_ALREADY_MATCHED', 'TRIP_CANCELLED'] },
    { event: 'offer:decline', direction: 'client-to-server', summary: 'Decline an offer; the next candidate gets it. Declining never lowers a score unless the members vote for it.', payload: offerDeclineSchema, ack: '{ ok: true }', errors: ['OFFER_NOT_FOUND', 'NOT_YOUR_OFFER', 'OFFER_EXPIRED', 'OFFER_ALREADY_ANSWERED'] },
    { event: 'trip:arrived', direction: 'client-to-server', summary: 'At the pickup.', payload: tripRefSchema, ack: '{ ok: true, trip }', errors: ['TRIP_NOT_FOUND', 'NOT_YOUR_TRIP', 'INVALID_TRANSITION'] },
    { event: 'trip:started', direction: 'client-to-server', summary: 'The rider is on board (or the parcel picked up).', payload: tripRefSchema, ack: '{ ok: true, trip }', errors: ['TRIP_NOT_FOUND', 'NOT_YOUR_TRIP', 'INVALID_TRANSITION'] },
    { event: 'trip:completed', direction: 'client-to-server', summary: 'Done, with the measured distance and duration that fix the final fare.', payload: tripCompletionSchema, ack: '{ ok: true, trip } with finalFare', errors: ['TRIP_NOT_FOUND', 'NOT_YOUR_TRIP', 'INVALID_TRANSITION'] },
    { event: 'offer', direction: 'server-to-client', summary: 'A trip offered to this driver until expiresAt; sent again on reconnect while pending.', payload: offerSchema },
    { event: 'offer:revoked', direction: 'server-to-client', summary: 'The offer is withdrawn (expired, or the rider cancelled).', payload: z.object({ offerId: uuidSchema, reason: z.enum(['expired', 'trip_cancelled']) }) },
    { event: 'trip:updated', direction: 'server-to-client', summary: "A change of the driver's trip made by someone else (e.g. the rider cancelled).", payload: z.object({ tripId: uuidSchema, status: z.enum(tripStatuses) }) },
  ],
};
