import { z } from 'zod';
import { SocketNamespaceDoc, pointSchema, uuidSchema, vehicleKindSchema } from '@coop/platform';
import { tripStatuses } from '../trips/trip-state-machine';

/** The rider app's events, for /docs. Riders only listen here; requests go over REST. */
export const riderSocketDocs: SocketNamespaceDoc = {
  namespace: '/riders',
  summary: "The rider app: live status of the rider's trip. Handshake auth: { token }. Anything a rider sends is acked UNKNOWN_EVENT.",
  events: [
    {
      event: 'trip:updated',
      direction: 'server-to-client',
      summary: 'The trip changed status; on `matched` it names the driver, their vehicle and position. Sent on connect for an open trip.',
      payload: z.object({
        tripId: uuidSchema,
        status: z.enum(tripStatuses),
        driver: z.object({ memberId: uuidSchema, vehicle: z.object({ kind: vehicleKindSchema }).loose().optional(), position: pointSchema.optional() }).optional(),
        etaSeconds: z.number().int().optional(),
      }),
    },
    { event: 'driver:location', direction: 'server-to-client', summary: "The matched driver's position while they are on the way and during the trip.", payload: z.object({ tripId: uuidSchema, lat: z.number(), lng: z.number() }) },
  ],
};
