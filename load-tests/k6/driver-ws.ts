// k6: the driver websocket scenario. The scenario's drivers stay connected to /drivers
// (socket.io framed by hand over k6's WebSocket), go online and send a fix every few seconds.
//   SCENARIO=smoke BASE_URL=http://127.0.0.1:3000 ADMIN_EMAIL=... ADMIN_PASSWORD=... k6 run load-tests/k6/driver-ws.ts
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { Member, members } from './lib/api.ts';
import { driveOneSession } from './lib/driver.ts';
import { baseUrl, driversOnline, pickScenario, pct } from './lib/scenario.ts';

const { name, scenario } = pickScenario(open('../scenarios.json'));

export const options: Options = {
  scenarios: { drivers: driversOnline(scenario) },
  thresholds: {
    fix_ack_ms: pct(scenario.thresholds.fixAckP95Ms, scenario.thresholds.fixAckP99Ms),
    driver_errors: [`rate<=${scenario.thresholds.errorRate}`],
  },
};

export function setup(): { drivers: Member[] } {
  return { drivers: members(baseUrl(), name, 'driver', scenario.drivers) };
}

export function driver(data: { drivers: Member[] }): void {
  const me = data.drivers[(exec.vu.idInTest - 1) % data.drivers.length];
  driveOneSession(baseUrl(), scenario, me, (scenario.durationSeconds + 5) * 1000);
}
