import { z } from 'zod';
import { SocketNamespaceDoc } from '@coop/platform';

const liveCell = z.object({ cell: z.string(), freeDrivers: z.number().int(), busyDrivers: z.number().int(), openRequests: z.number().int() });

/** The members' web page's live view, for /docs. */
export const memberSocketDocs: SocketNamespaceDoc = {
  namespace: '/members',
  summary:
    "The members' live view: supply and demand per H3 cell at the policy's public resolution (never a position). Handshake auth: { token } of any member. " +
    'Members only listen here; anything sent is acked UNKNOWN_EVENT.',
  events: [
    {
      event: 'live:snapshot',
      direction: 'server-to-client',
      summary: 'Online and free drivers, open requests and their median wait so far, per public cell. Sent on connect, then every second.',
      payload: z.object({
        at: z.string(),
        h3Resolution: z.number().int(),
        onlineDrivers: z.number().int(),
        freeDrivers: z.number().int(),
        openRequests: z.number().int(),
        medianWaitSeconds: z.number().int().nullable(),
        cells: z.array(liveCell),
      }),
    },
  ],
};
