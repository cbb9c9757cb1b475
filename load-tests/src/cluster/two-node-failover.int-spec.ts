import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, testRedisUrl } from '@coop/testing';
import { ApiClient, Offer, SocketLink, TripUpdate, approveDriver, signIn, signInOrRegister } from '../sim';
import { ServerProcess, freePort } from './server-process';

jest.setTimeout(300_000);

const ADMIN = { email: 'admin@coop.test', password: 'admin-password-1' };
/** Two neighbourhoods further apart than the matching search reaches, one per trip. */
const FIRST = { lat: 45.5017, lng: -73.5673 };
const SECOND = { lat: 45.7017, lng: -73.5673 };
const dropoffNear = (p: { lat: number; lng: number }) => ({ lat: p.lat + 0.015, lng: p.lng - 0.01 });
const now = () => new Date().toISOString();

/** Polls until `condition` holds; generous, because this machine is shared and loaded. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A socket link that keeps what the server pushed to it. */
class Recorded {
  readonly received: Array<{ event: string; payload: any }> = [];

  constructor(
    readonly link: SocketLink,
    events: string[],
  ) {
    for (const event of events) link.on(event, (payload) => this.received.push({ event, payload }));
  }

  has(event: string, match: (payload: any) => boolean): boolean {
    return this.received.some((e) => e.event === event && match(e.payload));
  }
}

/**
 * Two real server processes (same database, same Redis prefix) and a node killed with
 * SIGKILL while a trip is under way: its driver's link moves to the other node, which
 * carries the trip to its end; an offer left pending on the dead node expires through the
 * survivor's BullMQ worker and the trip goes to another driver. Nothing is lost or stuck.
 */
describe('two nodes, one killed mid-trip', () => {
  let dropDatabase: () => Promise<void>;
  let databaseUrl: string;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  const links: SocketLink[] = [];
  const clients: ApiClient[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    databaseUrl = db.url;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: `test-failover-${randomBytes(4).toString('hex')}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'error',
    };
    const entry = 'apps/server/src/main.ts';
    [nodeA, nodeB] = await Promise.all([
      freePort().then((port) => ServerProcess.start({ name: 'A', entry, port, env })),
      freePort().then((port) => ServerProcess.start({ name: 'B', entry, port, env })),
    ]);
  });
  afterAll(async () => {
    links.forEach((l) => l.close());
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([nodeA?.stop(), nodeB?.kill()]);
    await dropDatabase?.();
  });

  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  /** A member whose HTTP calls and socket go to `urls[0]` first, and on to the next node when it dies. */
  async function member(role: 'driver' | 'rider', urls: string[]) {
    const api = new ApiClient(urls, { connections: 2 });
    clients.push(api);
    const email = `${role}-${randomBytes(4).toString('hex')}@coop.test`;
    const signedIn = await signInOrRegister(api, { email, password: 'member-password-1' }, role, `Failover ${role}`);
    if (role === 'driver') await approveDriver(api, (await signIn(api, ADMIN)).token, signedIn.memberId);
    const link = new SocketLink(urls, role === 'driver' ? '/drivers' : '/riders', signedIn.token, { reconnect: true });
    links.push(link);
    const socket = new Recorded(link, role === 'driver' ? ['offer', 'trip:updated', 'offer:revoked'] : ['trip:updated']);
    await link.connect();
    if (role === 'driver') {
      expect(await link.call('driver:online', { vehicle: { kind: 'car' } })).toMatchObject({ ok: true });
    }
    return { ...signedIn, api, link, socket };
  }

  async function request(rider: { api: ApiClient; token: string }, pickup: { lat: number; lng: number }): Promise<string> {
    const quote = await rider.api.call('POST', '/v1/quotes', { token: rider.token, body: { kind: 'ride', pickup, dropoff: dropoffNear(pickup) } });
    return (await rider.api.call('POST', '/v1/trips', { token: rider.token, body: { quoteId: quote.quoteId } })).tripId;
  }

  const offerFor = (d: { socket: Recorded }, tripId: string): Offer | undefined =>
    d.socket.received.find((e) => e.event === 'offer' && e.payload.tripId === tripId)?.payload;

  it('finishes the trip through A and re-offers the one pending on B, losing nothing', async () => {
    // Trip 1: a driver connected to B, matched to a rider served by A (cross-node).
    const driverOnB = await member('driver', [nodeB.url, nodeA.url]);
    expect(await driverOnB.link.call('driver:location', { ...FIRST, at: now() })).toEqual({ ok: true });
    const riderOnA = await member('rider', [nodeA.url, nodeB.url]);
    const trip1 = await request(riderOnA, FIRST);
    await until('the offer of trip 1 on B', () => offerFor(driverOnB, trip1) !== undefined);
    expect(await driverOnB.link.call('offer:accept', { offerId: offerFor(driverOnB, trip1)!.offerId })).toMatchObject({ ok: true });
    await until('the rider on A told of the match', () => riderOnA.socket.has('trip:updated', (u: TripUpdate) => u.tripId === trip1 && u.status === 'matched'));

    // Trip 2: another driver on B holds its offer, unanswered, when B dies; a third driver,
    // further from the pickup, waits on A.
    const heldOnB = await member('driver', [nodeB.url]);
    expect(await heldOnB.link.call('driver:location', { ...SECOND, at: now() })).toEqual({ ok: true });
    const waitingOnA = await member('driver', [nodeA.url]);
    expect(await waitingOnA.link.call('driver:location', { lat: SECOND.lat - 0.02, lng: SECOND.lng, at: now() })).toEqual({ ok: true });
    const rider2 = await member('rider', [nodeA.url]);
    const trip2 = await request(rider2, SECOND);
    await until('the offer of trip 2 to the driver on B', () => offerFor(heldOnB, trip2) !== undefined);
    expect(offerFor(waitingOnA, trip2)).toBeUndefined();

    await nodeB.kill();
    heldOnB.link.close(); // that phone does not come back

    // The driver of trip 1 is moved to A, which re-sends the trip they are on.
    await until('the driver of trip 1 reconnected to A', () => driverOnB.link.connected && driverOnB.link.url === nodeA.url);
    await until('the trip re-sent on A', () => driverOnB.socket.has('trip:updated', (u) => u.tripId === trip1 && u.status === 'matched'));
    expect(await driverOnB.link.call('driver:online', { vehicle: { kind: 'car' } })).toMatchObject({ ok: true });
    expect(await driverOnB.link.call('driver:location', { ...FIRST, at: now() })).toEqual({ ok: true });
    for (const step of ['trip:arrived', 'trip:started'] as const) {
      expect(await driverOnB.link.call(step, { tripId: trip1 })).toMatchObject({ ok: true });
    }
    expect(await driverOnB.link.call('trip:completed', { tripId: trip1, distanceMeters: 2100, durationSeconds: 420 })).toMatchObject({
      ok: true,
      trip: { status: 'completed' },
    });
    await until('the rider told trip 1 is completed', () => riderOnA.socket.has('trip:updated', (u: TripUpdate) => u.tripId === trip1 && u.status === 'completed'));

    // The offer left on B expires by its deadline job, which A's worker runs; trip 2 goes to the driver on A.
    await until('trip 2 re-offered to the driver on A', () => offerFor(waitingOnA, trip2) !== undefined, 90_000);
    expect(await waitingOnA.link.call('offer:accept', { offerId: offerFor(waitingOnA, trip2)!.offerId })).toMatchObject({ ok: true });
    for (const step of ['trip:arrived', 'trip:started'] as const) {
      expect(await waitingOnA.link.call(step, { tripId: trip2 })).toMatchObject({ ok: true });
    }
    expect(await waitingOnA.link.call('trip:completed', { tripId: trip2, distanceMeters: 1900, durationSeconds: 380 })).toMatchObject({ ok: true });
    await until('rider 2 told trip 2 is completed', () => rider2.socket.has('trip:updated', (u: TripUpdate) => u.tripId === trip2 && u.status === 'completed'));

    // The database agrees: both trips completed, by the expected drivers, and no offer left pending.
    const trips = await sql<{ id: string; status: string; driver_id: string }>('SELECT id, status, driver_id FROM trips ORDER BY requested_at');
    expect(trips).toEqual([
      { id: trip1, status: 'completed', driver_id: driverOnB.memberId },
      { id: trip2, status: 'completed', driver_id: waitingOnA.memberId },
    ]);
    const offers = await sql<{ trip_id: string; driver_id: string; state: string }>('SELECT trip_id, driver_id, state FROM offers ORDER BY created_at');
    expect(offers).toEqual([
      { trip_id: trip1, driver_id: driverOnB.memberId, state: 'accepted' },
      { trip_id: trip2, driver_id: heldOnB.memberId, state: 'expired' },
      { trip_id: trip2, driver_id: waitingOnA.memberId, state: 'accepted' },
    ]);
  });
});
