// k6: the mixed city. Drivers online over /drivers, riders arriving at the scenario's rate
// who request a trip and wait on /riders for a driver to take it. k6 cannot join events
// across VUs, so it times request-to-matched from the rider's side; the Node runner
// (npm run load) times request-to-offer on the driver's socket exactly.
//   SCENARIO=city BASE_URL=http://127.0.0.1:3000 ADMIN_EMAIL=... ADMIN_PASSWORD=... k6 run load-tests/k6/city.ts
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { setTimeout } from 'k6/timers';
import { Member, members, quote, requestTrip } from './lib/api.ts';
import { driveOneSession } from './lib/driver.ts';
import { baseUrl, driversOnline, pct, pickScenario, randomPoint, riderArrivals } from './lib/scenario.ts';
import { SocketIo } from './lib/socketio.ts';

const { name, scenario } = pickScenario(open('../scenarios.json'));
const requestToMatched = new Trend('request_to_matched_ms', true);

export const options: Options = {
  scenarios: { drivers: driversOnline(scenario), riders: riderArrivals(scenario) },
  thresholds: {
    fix_ack_ms: pct(scenario.thresholds.fixAckP95Ms, scenario.thresholds.fixAckP99Ms),
    offer_accept_ack_ms: [`p(99)<${scenario.thresholds.acceptToRiderP99Ms}`],
    driver_errors: [`rate<=${scenario.thresholds.errorRate}`],
    http_req_failed: [`rate<=${scenario.thresholds.errorRate}`],
  },
};

export function setup(): { drivers: Member[]; riders: Member[] } {
  return { drivers: members(baseUrl(), name, 'driver', scenario.drivers), riders: members(baseUrl(), name, 'rider', scenario.riders) };
}

export function driver(data: { drivers: Member[] }): void {
  driveOneSession(baseUrl(), scenario, data.drivers[(exec.vu.idInTest - 1) % data.drivers.length], (scenario.durationSeconds + 5) * 1000);
}

export function rider(data: { riders: Member[] }): void {
  // One open trip per rider: VU n always plays rider n, so two of its trips never overlap.
  const me = data.riders[(exec.vu.idInTest - 1) % data.riders.length];
  let requestedAt = 0;
  const socket: SocketIo = new SocketIo({
    baseUrl: baseUrl(),
    namespace: '/riders',
    token: me.token,
    onError: () => socket.close(),
    onConnect: () => {
      const q = quote(baseUrl(), me.token, randomPoint(scenario, scenario.area.radiusM * 0.8), randomPoint(scenario));
      requestedAt = Date.now();
      requestTrip(baseUrl(), me.token, q.quoteId);
    },
    onEvent: (event, payload) => {
      if (event !== 'trip:updated') return;
      if (payload.status === 'matched') requestToMatched.add(Date.now() - requestedAt);
      if (['completed', 'cancelled', 'unfulfilled'].includes(payload.status)) socket.close();
    },
  });
  setTimeout(() => socket.close(), 120_000);
}
