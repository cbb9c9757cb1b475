import { MEMBER_PASSWORD, SeededMembers, driverName, memberEmail, riderName } from '../seed/seed-members';
import { ApiClient, DriverBot, DriverClient, Prng, RiderBot, SignedIn, approveDriver, inBatches, signInOrRegister } from '../sim';
import { RunMetrics } from './run-metrics';
import { Scenario } from './scenario';
import { TripTracker } from './trip-tracker';

export interface Fleet {
  drivers: DriverBot[];
  riders: RiderBot[];
  stop(): void;
}

/** The nodes in the order a member on node `home` tries them: its own first, then the others. */
export function nodeOrder(urls: readonly string[], home: number): string[] {
  return urls.map((_, i) => urls[(home + i) % urls.length]);
}

/**
 * Signs up (or in) the scenario's drivers and riders, has the admin approve the drivers, and
 * puts them online with their listeners wired to the metrics. Setup is not measured: each
 * sign-in costs the server one scrypt hash, unless `seeded` brings the members' tokens
 * (load-tests/src/seed). With several nodes, member i starts on node i mod n and, when
 * `failover` is on, moves to the next node after a drop; `apis[k]` calls node k first.
 */
export async function startFleet(
  s: Scenario,
  urls: readonly string[],
  apis: readonly ApiClient[],
  adminToken: string,
  metrics: RunMetrics,
  tracker: TripTracker,
  rng: Prng,
  say: (line: string) => void,
  options: { seeded?: SeededMembers; failover?: boolean; setupBudgetMs?: number; driverClient?: DriverClient } = {},
): Promise<Fleet> {
  const creds = (name: string) => ({ email: memberEmail(s.name, name), password: MEMBER_PASSWORD });
  let ready = 0;
  const tick = (what: string, total: number) => {
    ready++;
    if (ready % Math.max(50, Math.round(total / 20)) === 0 || ready === total) say(`setup: ${ready}/${total} ${what}`);
  };

  const member = async (role: 'driver' | 'rider', name: string, api: ApiClient): Promise<SignedIn> => {
    const seeded = options.seeded?.[role === 'driver' ? 'drivers' : 'riders'][name];
    if (seeded) return seeded;
    const signedIn = await signInOrRegister(api, creds(name), role, `Load ${role} ${name}`);
    if (role === 'driver') await approveDriver(api, adminToken, signedIn.memberId);
    return signedIn;
  };
  const failover = options.failover ?? false;

  const driverNames = Array.from({ length: s.drivers }, (_, i) => driverName(i));
  ready = 0;
  const drivers = await inBatches(driverNames, options.seeded ? 64 : 4, async (name, i) => {
    const home = i % urls.length;
    const api = apis[home];
    const signedIn = await member('driver', name, api);
    const bot = new DriverBot({
      name,
      url: failover ? nodeOrder(urls, home) : urls[home],
      api,
      ...signedIn,
      home: s.area,
      roamRadiusM: s.area.radiusM,
      fixIntervalMs: s.fixIntervalSeconds * 1000,
      thinkTimeMs: () => rng.between(s.thinkTimeMs[0], s.thinkTimeMs[1]),
      speedKmh: s.speedKmh,
      timeScale: s.timeScale,
      boardingMs: 200,
      reconnect: failover,
      client: options.driverClient,
      rng,
      listener: (bot, e) => {
        switch (e.type) {
          case 'fix':
            // Fixes during setup (sign-ins hashing passwords) are not the scenario's load.
            if (!metrics.measuring) break;
            metrics.ok();
            metrics.fixAck.record(e.ackAtMs - e.intendedAtMs);
            break;
          case 'offer':
            metrics.offersReceived++;
            tracker.offerReceived(e.offer.tripId, e.atMs, bot.link.url);
            break;
          case 'accept-sent':
            tracker.acceptSent(e.offer.tripId, e.atMs);
            break;
          case 'accepted':
            metrics.ok();
            metrics.matched++;
            tracker.acceptedOn(e.offer.tripId, bot.link.url);
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
            if (e.reason !== 'io client disconnect') metrics.disconnected('driver', e.reason); // not the run's own stop
            break;
          case 'error':
            metrics.error(e.during, e.code);
            break;
          case 'reconnected':
            metrics.reconnected('driver', e.url);
            break;
          case 'interrupted':
            metrics.interrupted++;
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
  // Bounded: a server that cannot take the whole fleet in time gets a run with the drivers it
  // did take (the report says how many), not a setup that never ends.
  ready = 0;
  const setupDeadline = Date.now() + (options.setupBudgetMs ?? 15 * 60_000);
  const online = await inBatches(drivers, 16, async (bot) => {
    if (Date.now() > setupDeadline) return false;
    try {
      await bot.start();
    } catch (error) {
      say(`setup: driver ${bot.name} did not come online: ${(error as Error).message}`);
      bot.stop();
      return false;
    }
    tick('drivers online', s.drivers);
    return true;
  });
  const onlineDrivers = drivers.filter((_, i) => online[i]);
  if (onlineDrivers.length < drivers.length) say(`setup: ${onlineDrivers.length} of ${drivers.length} drivers online within the setup budget`);

  const riderNames = Array.from({ length: s.riders }, (_, i) => riderName(i));
  ready = 0;
  const riders = await inBatches(riderNames, options.seeded ? 32 : 4, async (name, i) => {
    const home = i % urls.length;
    const api = apis[home];
    const signedIn = await member('rider', name, api);
    const bot = new RiderBot({
      name,
      url: failover ? nodeOrder(urls, home) : urls[home],
      api,
      ...signedIn,
      reconnect: failover,
      listener: (_, e) => {
        if (e.type === 'update') tracker.riderUpdate(e.update.tripId, e.update.status, e.atMs);
        else if (e.type === 'reconnected') metrics.reconnected('rider', e.url);
        else if (e.reason !== 'io client disconnect') metrics.disconnected('rider', e.reason);
      },
    });
    try {
      await bot.connect();
    } catch (error) {
      // As for drivers: a rider the server could not take is left out (the pool is smaller,
      // and arrivals that find no free rider are counted), not the end of the run.
      say(`setup: rider ${name} did not connect: ${(error as Error).message}`);
      bot.close();
      return undefined;
    }
    tick('riders connected', s.riders);
    return bot;
  });
  const connectedRiders = riders.filter((r): r is RiderBot => r !== undefined);
  if (connectedRiders.length < riders.length) say(`setup: ${connectedRiders.length} of ${riders.length} riders connected`);

  return {
    drivers: onlineDrivers,
    riders: connectedRiders,
    stop() {
      drivers.forEach((d) => d.stop());
      connectedRiders.forEach((r) => r.close());
    },
  };
}
