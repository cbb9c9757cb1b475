// One simulated driver per VU: online, a fix every few seconds, offers accepted after a
// think time, the trip driven through arrived/started/completed.
import { Counter, Rate, Trend } from 'k6/metrics';
import { clearInterval, setInterval, setTimeout } from 'k6/timers';
import type { Member } from './api.ts';
import { Scenario, randomPoint } from './scenario.ts';
import { SocketIo } from './socketio.ts';

export const fixAck = new Trend('fix_ack_ms', true);
export const acceptAck = new Trend('offer_accept_ack_ms', true);
export const offersReceived = new Counter('offers_received');
export const driverErrors = new Rate('driver_errors');

export function driveOneSession(base: string, s: Scenario, member: Member, sessionMs: number): void {
  let position = randomPoint(s);
  let fixTimer: ReturnType<typeof setInterval> | undefined;
  const acked = (what: string, then?: (reply: any) => void) => (reply: any) => {
    driverErrors.add(reply?.ok !== true, { event: what });
    if (reply?.ok === true) then?.(reply);
  };

  const socket: SocketIo = new SocketIo({
    baseUrl: base,
    namespace: '/drivers',
    token: member.token,
    onError: () => driverErrors.add(true, { event: 'connect' }),
    onConnect: () => {
      socket.emit('driver:online', { vehicle: { kind: 'car' } }, acked('driver:online'));
      // Fixes on a fixed schedule; each ack timed from its send.
      fixTimer = setInterval(() => {
        const sent = Date.now();
        socket.emit('driver:location', { ...position, at: new Date(sent).toISOString() }, acked('driver:location', () => fixAck.add(Date.now() - sent)));
      }, s.fixIntervalSeconds * 1000);
    },
    onEvent: (event, payload) => {
      if (event !== 'offer') return;
      offersReceived.add(1);
      const think = s.thinkTimeMs[0] + Math.random() * (s.thinkTimeMs[1] - s.thinkTimeMs[0]);
      setTimeout(() => {
        const sent = Date.now();
        socket.emit('offer:accept', { offerId: payload.offerId }, acked('offer:accept', () => {
          acceptAck.add(Date.now() - sent);
          const tripId = payload.tripId;
          position = payload.pickup;
          setTimeout(() => socket.emit('trip:arrived', { tripId }, acked('trip:arrived', () =>
            setTimeout(() => socket.emit('trip:started', { tripId }, acked('trip:started', () =>
              setTimeout(() => {
                position = payload.dropoff;
                socket.emit('trip:completed', { tripId, distanceMeters: 2000, durationSeconds: 300 }, acked('trip:completed'));
              }, 2000),
            )), 500),
          )), 2000);
        }));
      }, think);
    },
  });
  setTimeout(() => {
    if (fixTimer !== undefined) clearInterval(fixTimer);
    socket.close();
  }, sessionMs);
}
