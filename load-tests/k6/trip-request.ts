// k6: the HTTP trip-request scenario. Riders arrive at the scenario's rate (open model),
// ask for a quote and request the trip, then cancel it (the server allows one open trip
// per rider, and no driver is online in this scenario).
//   SCENARIO=smoke BASE_URL=http://127.0.0.1:3000 k6 run load-tests/k6/trip-request.ts
import type { Options } from 'k6/options';
import { Member, cancelTrip, members, quote, requestTrip } from './lib/api.ts';
import { baseUrl, pickScenario, randomPoint, riderArrivals } from './lib/scenario.ts';

const { name, scenario } = pickScenario(open('../scenarios.json'));

export const options: Options = {
  scenarios: { riders: riderArrivals(scenario) },
  thresholds: {
    'http_req_duration{name:trip request}': [`p(95)<${scenario.thresholds.requestToOfferP95Ms}`, `p(99)<${scenario.thresholds.requestToOfferP99Ms}`],
    http_req_failed: [`rate<=${scenario.thresholds.errorRate}`],
  },
};

export function setup(): { riders: Member[] } {
  return { riders: members(baseUrl(), name, 'rider', scenario.riders) };
}

export function rider(data: { riders: Member[] }): void {
  const me = data.riders[Math.floor(Math.random() * data.riders.length)];
  const pickup = randomPoint(scenario, scenario.area.radiusM * 0.8);
  const q = quote(baseUrl(), me.token, pickup, randomPoint(scenario));
  const trip = requestTrip(baseUrl(), me.token, q.quoteId);
  cancelTrip(baseUrl(), me.token, trip.tripId);
}
