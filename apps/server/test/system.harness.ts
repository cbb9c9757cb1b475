import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { DecisionRecord, MatchingPolicy } from '@coop/matching';
import type { FarePolicy } from '@coop/money';
import { AppConfig, createApp, loadConfig } from '@coop/platform';
import { PolicyDocument, policyHash } from '@coop/policy';
import { createTestDatabase, testRedisUrl } from '@coop/testing';
import { PolicyService } from '../../dispatch/src/policy/policy.service';
import { allFeatures } from '../src/server.features';

export const ADMIN = { email: 'admin@coop.test', password: 'admin-password-1' };
/** Downtown Montreal, where the tests' city is. */
export const CITY = { lat: 45.5017, lng: -73.5673 };

/**
 * A neighbourhood of its own, about 22 km north of the last one per step: further than the
 * matching search reaches, so drivers and trips of one test never meet another test's.
 */
export function area(n: number): { lat: number; lng: number } {
  return { lat: CITY.lat + 0.2 * n, lng: CITY.lng };
}

/** A dropoff a short ride from `pickup`. */
export function near(pickup: { lat: number; lng: number }): { lat: number; lng: number } {
  return { lat: pickup.lat + 0.015, lng: pickup.lng - 0.01 };
}

export interface OfferRow {
  id: string;
  driverId: string;
  attempt: number;
  state: string;
  reason: string | null;
}

/** A running system on a fresh database and Redis prefix, with helpers to act as its members. */
export class TestSystem {
  private app?: INestApplication;
  private readonly sockets: Socket[] = [];
  url = '';

  private constructor(
    readonly config: AppConfig,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /** A fresh system; `env` adds or overrides environment values (e.g. OSRM_URL). */
  static async start(env: Record<string, string> = {}): Promise<TestSystem> {
    const db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      PORT: '0',
      // A bank-ready payer (the well-known example IBAN), so boots don't warn about the placeholder.
      COOP_PAYER_NAME: 'Test Co-op',
      COOP_PAYER_IBAN: 'DE89370400440532013000',
      COOP_PAYER_BIC: 'COBADEFFXXX',
      ...env,
    });
    const system = new TestSystem(config, db.drop);
    await system.boot();
    return system;
  }

  /** Starts the app (again, after `crash`), on the same database and Redis prefix. */
  async boot(): Promise<void> {
    this.app = await createApp(this.config, allFeatures);
    await this.app.listen(0, '127.0.0.1');
    const address = this.app.getHttpServer().address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
  }

  /**
   * A second process of the same deployment: its own app (own in-memory supply view, own
   * sockets) on the same database and Redis prefix. Stop it with `crash()`; `stop()` on the
   * first system cleans up both.
   */
  async peer(): Promise<TestSystem> {
    const peer = new TestSystem(this.config, async () => undefined);
    await peer.boot();
    return peer;
  }

  /** Stops the app the way a crash would, leaving the database and Redis as they are. */
  async crash(): Promise<void> {
    for (const s of this.sockets.splice(0)) s.disconnect();
    await this.app?.close();
    this.app = undefined;
  }

  async stop(): Promise<void> {
    await this.crash();
    const redis = new Redis(testRedisUrl());
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.config.REDIS_PREFIX}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    await this.dropDatabase();
  }

  get nest(): INestApplication {
    if (!this.app) throw new Error('the app is not running');
    return this.app;
  }

  /**
   * The full record sealed for decision `index`, ready for replayMatches: a v3 record names its
   * policy by version and hash only, so the matching parameters are taken, as the verifier
   * takes them, from the log's own activation leaf of that version (and its hash must match).
   */
  async replayableDecision(index: number): Promise<DecisionRecord> {
    const [row] = await this.sql<{ record: string }>('SELECT record FROM log_leaf_disclosures WHERE index = $1', [index]);
    const record = JSON.parse(row.record) as DecisionRecord;
    if (record.policy.matching !== undefined) return record; // v1/v2 embedded them
    const activations = await this.sql<{ body: string }>("SELECT body FROM log_leaves WHERE kind = 'policy_activation' AND index < $1", [index]);
    const activated = activations
      .map((a) => (JSON.parse(a.body) as { record: { version: number; hash: string; document: PolicyDocument } }).record)
      .find((a) => String(a.version) === String(record.policy.version));
    if (!activated || activated.hash !== record.policy.hash) throw new Error(`decision ${index}: policy ${record.policy.version} was not activated in the log before it`);
    return { ...record, policy: { ...record.policy, matching: activated.document.matching as MatchingPolicy } };
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.config.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async http(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(this.url + path, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
  }

  async token(email: string, password: string): Promise<string> {
    const res = await this.http('POST', '/v1/auth/token', { body: { email, password } });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  async member(role: 'rider' | 'driver', options: { approve?: boolean } = {}): Promise<{ memberId: string; token: string; email: string }> {
    const email = `${role}-${randomBytes(4).toString('hex')}@coop.test`;
    const password = 'a-good-password';
    const res = await this.http('POST', '/v1/auth/register', { body: { email, password, displayName: `Test ${role}`, role } });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    if (role === 'driver' && options.approve !== false) {
      const admin = await this.token(ADMIN.email, ADMIN.password);
      const approved = await this.http('POST', `/v1/admin/drivers/${res.body.memberId}/approve`, { token: admin });
      if (approved.status !== 200) throw new Error(`approve: ${approved.status}`);
    }
    return { memberId: res.body.memberId, token: await this.token(email, password), email };
  }

  /** A treasurer: registered as a rider, then given the role in SQL (no API assigns roles yet). */
  async treasurer(): Promise<{ memberId: string; token: string; email: string }> {
    const email = `treasurer-${randomBytes(4).toString('hex')}@coop.test`;
    const password = 'a-good-password';
    const res = await this.http('POST', '/v1/auth/register', { body: { email, password, displayName: 'Test treasurer', role: 'rider' } });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    await this.sql(`UPDATE members SET role = 'treasurer' WHERE id = $1`, [res.body.memberId]);
    return { memberId: res.body.memberId, token: await this.token(email, password), email };
  }

  /** A connected socket.io client; rejects with the server's refusal. */
  async socket(namespace: '/drivers' | '/riders', token: string | undefined): Promise<TestSocket> {
    const socket = io(this.url + namespace, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false });
    this.sockets.push(socket);
    const test = new TestSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    return test;
  }

  /** An approved driver, connected and online at a point (default: the city centre). */
  async onlineDriver(at = CITY, vehicle: object = { kind: 'car' }) {
    const driver = await this.member('driver');
    const socket = await this.socket('/drivers', driver.token);
    expect(await socket.call('driver:online', { vehicle })).toMatchObject({ ok: true });
    expect(await socket.call('driver:location', { ...at, at: new Date().toISOString() })).toEqual({ ok: true });
    await this.until(async () => (await socket.call('driver:location', { ...at, at: new Date().toISOString() })).ok === true);
    return { ...driver, socket };
  }

  /** A rider with a quote and a requested trip. */
  async requestTrip(rider?: { token: string; memberId: string }, pickup = CITY, dropoff = { lat: 45.52, lng: -73.58 }) {
    rider ??= await this.member('rider');
    const quote = await this.http('POST', '/v1/quotes', { token: rider.token, body: { kind: 'ride', pickup, dropoff } });
    if (quote.status !== 201) throw new Error(`quote: ${quote.status} ${JSON.stringify(quote.body)}`);
    const trip = await this.http('POST', '/v1/trips', { token: rider.token, body: { quoteId: quote.body.quoteId } });
    if (trip.status !== 201) throw new Error(`trip: ${trip.status} ${JSON.stringify(trip.body)}`);
    return { rider, quote: quote.body, tripId: trip.body.tripId as string };
  }

  /** Polls until the condition holds (bounded), instead of sleeping a fixed time. */
  async until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /**
   * Puts a new policy version in force now, the in-force one with these matching changes
   * (e.g. a short offer timeout so a test need not wait 20 s), and makes the app read it.
   */
  async useMatchingPolicy(changes: Partial<MatchingPolicy>): Promise<number> {
    return this.usePolicy((document) => ({ ...document, matching: { ...document.matching, ...changes } }));
  }

  /**
   * Puts a new policy version in force now whose fare rules are the in-force ones with these
   * changes (e.g. no cancellation grace period), for trips quoted from now on.
   */
  async useFarePolicy(changes: Partial<FarePolicy>): Promise<number> {
    return this.usePolicy((document) => ({ ...document, fares: { ...document.fares, ...changes } }));
  }

  /** Inserts the in-force policy as changed by `change` as the next version, effective now. */
  private async usePolicy(change: (document: PolicyDocument) => PolicyDocument): Promise<number> {
    const [current] = await this.sql<{ version: number; document: PolicyDocument }>(
      'SELECT version, document FROM policies ORDER BY version DESC LIMIT 1',
    );
    const version = current.version + 1;
    // Hashes are unique: the title says which version this is, so going back to earlier
    // rules (say, the default offer timeout) is a new document all the same.
    const document: PolicyDocument = {
      ...change(current.document),
      title: `${current.document.title.replace(/ \(test version \d+\)$/, '')} (test version ${version})`,
    };
    await this.sql('INSERT INTO policies (version, hash, document, effective_at) VALUES ($1, $2, $3, now())', [
      version, policyHash(document), document,
    ]);
    const policy = this.nest.get(PolicyService);
    await policy.refresh();
    if (policy.inForce().version !== version) throw new Error(`policy ${version} is not in force`);
    return version;
  }

  /** The trip's offers, oldest first. */
  async offers(tripId: string): Promise<OfferRow[]> {
    return this.sql<OfferRow>(
      `SELECT id, driver_id AS "driverId", attempt, state, reason FROM offers WHERE trip_id = $1 ORDER BY attempt`,
      [tripId],
    );
  }

  /** Waits for the trip's pending offer number `attempt` (1 for the first driver asked). */
  async pendingOffer(tripId: string, attempt = 1, timeoutMs = 10_000): Promise<OfferRow> {
    let found: OfferRow | undefined;
    await this.until(async () => {
      found = (await this.offers(tripId)).find((o) => o.attempt === attempt && o.state === 'pending');
      return found !== undefined;
    }, timeoutMs);
    return found!;
  }

  /** The trip's history, event types in order. */
  async tripEvents(tripId: string): Promise<string[]> {
    const rows = await this.sql<{ type: string }>('SELECT type FROM trip_events WHERE trip_id = $1 ORDER BY id', [tripId]);
    return rows.map((r) => r.type);
  }

  /** Row counts of the given tables, to show a refused request changed nothing. */
  async counts(tables: readonly string[] = ['members', 'quotes', 'trips', 'offers', 'trip_events', 'idempotency_keys', 'outbox', 'log_leaves']) {
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = Number((await this.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
    return out;
  }

  async tripStatus(tripId: string): Promise<string> {
    const rows = await this.sql<{ status: string }>('SELECT status FROM trips WHERE id = $1', [tripId]);
    return rows[0]?.status;
  }

  /**
   * Drives a requested trip to completion through the driver's socket (offer, accept,
   * arrive, start, complete) and returns the completion ack's trip.
   */
  async driveTrip(driver: { socket: TestSocket }, tripId: string, measured = { distanceMeters: 2600, durationSeconds: 540 }) {
    const offer = await driver.socket.next('offer', (o) => o.tripId === tripId);
    expect(await driver.socket.call('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    expect(await driver.socket.call('trip:arrived', { tripId })).toMatchObject({ ok: true });
    expect(await driver.socket.call('trip:started', { tripId })).toMatchObject({ ok: true });
    const done = await driver.socket.call('trip:completed', { tripId, ...measured });
    expect(done).toMatchObject({ ok: true, trip: { status: 'completed' } });
    return done.trip;
  }

  /** Waits until the ledger has posted the journal entry with this id (e.g. `trip:<id>:completed`). */
  async untilPosted(transactionId: string, timeoutMs = 10_000): Promise<void> {
    await this.until(async () => (await this.sql('SELECT 1 FROM ledger_transactions WHERE id = $1', [transactionId])).length === 1, timeoutMs);
  }
}

/** A socket.io client whose events are awaited as promises and remembered. */
export class TestSocket {
  readonly received: Array<{ event: string; payload: any }> = [];

  constructor(readonly raw: Socket) {
    raw.onAny((event, payload) => this.received.push({ event, payload }));
  }

  call(event: string, payload?: unknown): Promise<any> {
    return this.raw.timeout(10_000).emitWithAck(event, payload);
  }

  /** The next (or an already received, not yet taken) event matching the predicate. */
  next(event: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const index = this.received.findIndex((r) => r.event === event && predicate(r.payload));
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0].payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.raw.off(event, listener);
        reject(new Error(`no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (payload: any) => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        this.raw.off(event, listener);
        const i = this.received.findIndex((r) => r.payload === payload);
        if (i >= 0) this.received.splice(i, 1);
        resolve(payload);
      };
      this.raw.on(event, listener);
    });
  }

  disconnect(): void {
    this.raw.disconnect();
  }
}
