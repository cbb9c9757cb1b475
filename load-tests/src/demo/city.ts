import {
  ApiClient,
  DriverBot,
  Point,
  Prng,
  RiderBot,
  approveDriver,
  distanceMetres,
  inBatches,
  randomPointWithin,
  rounded,
  signIn,
  signInOrRegister,
} from '../sim';
import { Narrator } from './narrator';

/** Downtown Montreal. */
export const MONTREAL: Point = { lat: 45.5017, lng: -73.5673 };

export interface DemoCityOptions {
  url: string;
  admin: { email: string; password: string };
  drivers: number;
  riders: number;
  /** Mean real time between two riders' requests; each gap is drawn between half and 1.5 times it. */
  requestEveryMs: number;
  /** Simulated seconds per real second, so a newcomer sees trips end within a minute. */
  timeScale: number;
  centre: Point;
  radiusM: number;
  /** Members' password; the demo signs them in again on a later start. */
  memberPassword: string;
  /** Member emails are `<emailPrefix>-d1@coop.local` and so on. */
  emailPrefix: string;
  seed: number;
  write: (line: string) => void;
}

export const demoDefaults: Omit<DemoCityOptions, 'url' | 'admin' | 'write'> = {
  drivers: 15,
  riders: 10,
  requestEveryMs: 4_000,
  timeScale: 6,
  centre: MONTREAL,
  radiusM: 2_500,
  memberPassword: 'demo-member-password',
  emailPrefix: 'demo',
  seed: 2026,
};

/** A running demo city; `stop` takes its bots off the road. */
export interface DemoCity {
  stop(): void;
}

/**
 * Starts a small city against a running system: drivers are signed up (or in), approved by
 * the admin and put on the road; riders then request trips every few seconds, each rider
 * waiting for their trip to end before asking again.
 */
export async function startDemoCity(o: DemoCityOptions): Promise<DemoCity> {
  const say = new Narrator(o.write);
  const api = new ApiClient(o.url, { connections: 8 });
  const rng = new Prng(o.seed);
  say.note(`waiting for ${o.url}/health`);
  await api.waitForHealth();

  let adminToken: string;
  try {
    adminToken = (await signIn(api, o.admin)).token;
  } catch (error) {
    throw new Error(`the demo signs in as the admin ${o.admin.email} (ADMIN_EMAIL/ADMIN_PASSWORD) to approve its drivers: ${(error as Error).message}`);
  }

  const email = (name: string) => `${o.emailPrefix}-${name}@coop.local`;
  const credentials = (name: string) => ({ email: email(name), password: o.memberPassword });
  say.note(`signing up ${o.drivers} drivers and ${o.riders} riders (every sign-in costs the server a scrypt hash: up to a minute on a small machine)`);

  const driverNames = Array.from({ length: o.drivers }, (_, i) => `d${i + 1}`);
  const drivers = await inBatches(driverNames, 3, async (name) => {
    const member = await signInOrRegister(api, credentials(name), 'driver', `Demo driver ${name}`);
    await approveDriver(api, adminToken, member.memberId);
    const bot = new DriverBot({
      name,
      url: o.url,
      api,
      ...member,
      home: o.centre,
      roamRadiusM: o.radiusM,
      thinkTimeMs: () => rng.between(1_000, 3_000),
      timeScale: o.timeScale,
      boardingMs: 2_000,
      reconnect: true,
      rng,
      listener: (b, event) => say.driver(b.name, event),
    });
    await bot.start();
    return bot;
  });

  const riderNames = Array.from({ length: o.riders }, (_, i) => `r${i + 1}`);
  const riders = await inBatches(riderNames, 3, async (name) => {
    const member = await signInOrRegister(api, credentials(name), 'rider', `Demo rider ${name}`);
    const bot = new RiderBot({
      name,
      url: o.url,
      api,
      ...member,
      reconnect: true,
      listener: (b, event) => event.type === 'update' && say.riderUpdate(b.name, event.update.tripId, event.update.status),
    });
    await bot.connect();
    return bot;
  });
  say.note(`${drivers.length} drivers on the road around (${o.centre.lat}, ${o.centre.lng}); riders start asking for trips`);

  const waiting = new Set<RiderBot>(riders);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const oneTrip = async (rider: RiderBot) => {
    waiting.delete(rider);
    try {
      const pickup = rounded(randomPointWithin(rng, o.centre, o.radiusM * 0.8));
      let dropoff = rounded(randomPointWithin(rng, o.centre, o.radiusM));
      while (distanceMetres(pickup, dropoff) < 700) dropoff = rounded(randomPointWithin(rng, o.centre, o.radiusM));
      const quote = await rider.quote(pickup, dropoff);
      const trip = await rider.request(quote.quoteId);
      say.requested(rider.name, trip.tripId, pickup, dropoff, quote.fare);
      await rider.untilDone(trip.tripId, 15 * 60_000);
    } catch (error) {
      // After stop() the clients are closed under any trip in flight: that is not the system refusing.
      if (!stopped) say.requestFailed(rider.name, (error as Error).message);
    } finally {
      if (!stopped) waiting.add(rider);
    }
  };

  const next = () => {
    if (stopped) return;
    const idle = [...waiting];
    if (idle.length > 0) void oneTrip(idle[Math.floor(rng.next() * idle.length)]);
    timer = setTimeout(next, rng.between(0.5, 1.5) * o.requestEveryMs);
  };
  next();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      drivers.forEach((d) => d.stop());
      riders.forEach((r) => r.close());
      void api.close();
    },
  };
}
