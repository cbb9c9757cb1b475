import { ApiClient, DriverBot, Prng, RiderBot, approveDriver, inBatches, signInOrRegister } from '../sim';
import { RunMetrics } from './run-metrics';
import { Scenario } from './scenario';
import { TripTracker } from './trip-tracker';

export interface Fleet {
  drivers: DriverBot[];
  riders: RiderBot[];
  stop(): void;
}

/** Members are named per scenario, so a second run signs them in instead of signing up again. */
const memberEmail = (scenario: string, name: string) => `load-${scenario}-${name}@coop.local`;
const MEMBER_PASSWORD = 'load-test-member-password';

/**
 * Signs up (or in) the scenario's drivers and riders, has the admin approve the drivers, and
 * puts them online with their listeners wired to the metrics. Setup is not measured: each
 * sign-in costs the server one scrypt hash.
 */
export async function startFleet(
  s: Scenario,
  url: string,
  api: ApiClient,
  adminToken: string,
  metrics: RunMetrics,
  tracker: TripTracker,
  rng: Prng,
  say: (line: string) => void,
): Promise<Fleet> {
  const creds = (name: string) => ({ email: memberEmail(s.name, name), password: MEMBER_PASSWORD });
  let ready = 0;
  const tick = (what: string, total: number) => {
    ready++;
    if (ready % 50 === 0 || ready === total) say(`setup: ${ready}/${total} ${what}`);
  };

  const driverNames = Array.from({ length: s.drivers }, (_, i) => `d${i + 1}`);
  ready = 0;
  const drivers = await inBatches(driverNames, 4, async (name) => {
    const member = await signInOrRegister(api, creds(name), 'driver', `Load driver ${name}`);
    await approveDriver(api, adminToken, member.memberId);
    const bot = new DriverBot({
      name,
      url,
      api,
      ...member,
      home: s.area,
      roamRadiusM: s.area.radiusM,
      fixIntervalMs: s.fixIntervalSeconds * 1000,
      thinkTimeMs: () => rng.between(s.thinkTimeMs[0], s.thinkTimeMs[1]),
      speedKmh: s.speedKmh,
      timeScale: s.timeScale,
      boardingMs: 200,
      reconnect: false,
      rng,
      listener: (_, e) => {
        switch (e.type) {
          case 'fix':
            // Fixes during setup (sign-ins hashing passwords) are not the scenario's load.
            if (!metrics.measuring) break;
            metrics.ok();
            metrics.fixAck.record(e.ackAtMs - e.intendedAtMs);
            break;
          case 'offer':
            metrics.offersReceived++;
            tracker.offerReceived(e.offer.tripId, e.atMs);
            break;
          case 'accept-sent':
            tracker.acceptSent(e.offer.tripId, e.atMs);
            break;
          case 'accepted':
            metrics.ok();
            metrics.matched++;
            break;
          case 'arrived':
          case 'started':
            metrics.ok();
            break;
          case 'completed':
            metrics.ok();
            metrics.completed++;
            break;
          case 'declined':
            metrics.declinedBusy++;
            break;
          case 'disconnected':
            if (e.reason !== 'io client disconnect') metrics.disconnects++; // not the run's own stop
            break;
          case 'error':
            metrics.error(e.during, e.code);
            break;
          case 'online':
          case 'revoked':
            break;
        }
      },
    });
    tick('drivers signed in', s.drivers);
    return bot;
  });
  ready = 0;
  await inBatches(drivers, 32, async (bot) => {
    await bot.start();
    tick('drivers online', s.drivers);
  });

  const riderNames = Array.from({ length: s.riders }, (_, i) => `r${i + 1}`);
  ready = 0;
  const riders = await inBatches(riderNames, 4, async (name) => {
    const member = await signInOrRegister(api, creds(name), 'rider', `Load rider ${name}`);
    const bot = new RiderBot({
      name,
      url,
      api,
      ...member,
      reconnect: false,
      listener: (_, e) => {
        if (e.type === 'update') tracker.riderUpdate(e.update.tripId, e.update.status, e.atMs);
        else if (e.type === 'disconnected' && e.reason !== 'io client disconnect') metrics.disconnects++;
      },
    });
    await bot.connect();
    tick('riders connected', s.riders);
    return bot;
  });

  return {
    drivers,
    riders,
    stop() {
      drivers.forEach((d) => d.stop());
      riders.forEach((r) => r.close());
    },
  };
}
