import { randomUUID } from 'node:crypto';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

type Member = { memberId: string; token: string; email: string };
type Driver = Awaited<ReturnType<TestSystem['onlineDriver']>>;
type HttpResult = Awaited<ReturnType<TestSystem['http']>>;

/**
 * Every bad input gets a 4xx problem+json with a stable code over HTTP, or an error ack
 * over socket.io, and changes nothing: the row counts before and after are the same.
 */
describe('bad input', () => {
  let system: TestSystem;
  let riderA: Member;
  let riderB: Member;
  let stranger: Member;
  let driverA: Driver;
  let driverB: Driver;
  /** Matched to driver A. */
  let matchedTripId: string;
  /** Offered to driver B, pending. */
  let offeredTripId: string;
  let pendingOfferId: string;

  const goodQuote = { kind: 'ride', pickup: area(1), dropoff: near(area(1)) };

  beforeAll(async () => {
    system = await TestSystem.start();
    // No offer may lapse while the row counts are compared.
    await system.useMatchingPolicy({ offerTimeoutSeconds: 600 });
    [riderA, riderB, stranger] = await Promise.all([system.member('rider'), system.member('rider'), system.member('rider')]);
    driverA = await system.onlineDriver(area(1));
    driverB = await system.onlineDriver(area(2));
    matchedTripId = (await system.requestTrip(riderA, area(1), near(area(1)))).tripId;
    const offer = await system.pendingOffer(matchedTripId, 1);
    expect(await driverA.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true });
    offeredTripId = (await system.requestTrip(riderB, area(2), near(area(2)))).tripId;
    pendingOfferId = (await system.pendingOffer(offeredTripId, 1)).id;
  });
  afterAll(async () => {
    await system?.stop();
  });

  function expectProblem(res: HttpResult, status: number, code: string): void {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringContaining('/problems/'), title: expect.any(String), status });
  }

  /** Runs the refused call and checks that no table gained or lost a row. */
  async function changesNothing<T>(run: () => Promise<T>): Promise<T> {
    const before = await system.counts();
    const result = await run();
    expect(await system.counts()).toEqual(before);
    return result;
  }

  const post = (path: string, token: string | undefined, body: unknown) => system.http('POST', path, { token, body });
  const raw = (path: string, token: string | undefined, text: string) => system.http('POST', path, { token, raw: text });

  describe('HTTP', () => {
    it('refuses malformed JSON with MALFORMED_JSON', async () => {
      await changesNothing(async () => {
        expectProblem(await raw('/v1/quotes', riderA.token, '{"kind": "ride", "pickup": '), 400, 'MALFORMED_JSON');
        expectProblem(await raw('/v1/auth/register', undefined, "{'email': 'x@y.z'}"), 400, 'MALFORMED_JSON');
        // JSON has no NaN.
        expectProblem(await raw('/v1/quotes', riderA.token, '{"kind":"ride","pickup":{"lat":NaN,"lng":0},"dropoff":{"lat":0,"lng":0}}'), 400, 'MALFORMED_JSON');
      });
    });

    it('refuses missing fields with VALIDATION_FAILED, naming each one', async () => {
      await changesNothing(async () => {
        const quote = await post('/v1/quotes', riderA.token, {});
        expectProblem(quote, 400, 'VALIDATION_FAILED');
        expect(quote.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['dropoff', 'kind', 'pickup']);
        expectProblem(await post('/v1/quotes', riderA.token, { kind: 'ride', pickup: { lat: 45.5 }, dropoff: near(area(1)) }), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/trips', riderA.token, {}), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/auth/register', undefined, { email: 'someone@coop.test' }), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/auth/token', undefined, { email: 'someone@coop.test' }), 400, 'VALIDATION_FAILED');
        // A body that is not an object at all.
        expectProblem(await raw('/v1/quotes', riderA.token, 'null'), 400, 'VALIDATION_FAILED');
        expectProblem(await raw('/v1/quotes', riderA.token, '[1, 2]'), 400, 'VALIDATION_FAILED');
        // Unknown fields are refused too, not silently dropped.
        expectProblem(await post('/v1/quotes', riderA.token, { ...goodQuote, surge: 3 }), 400, 'VALIDATION_FAILED');
      });
    });

    it.each([
      ['latitude above 90', { lat: 90.0001, lng: -73.5 }],
      ['latitude below -90', { lat: -91, lng: -73.5 }],
      ['longitude beyond 180', { lat: 45.5, lng: 180.5 }],
      ['a string', { lat: '45.5', lng: -73.5 }],
      ['null', { lat: null, lng: -73.5 }],
      ['an object', { lat: {}, lng: -73.5 }],
      ['a boolean', { lat: true, lng: -73.5 }],
    ])('refuses a pickup whose coordinate is %s', async (_what, pickup) => {
      await changesNothing(async () => {
        const res = await post('/v1/quotes', riderA.token, { kind: 'ride', pickup, dropoff: near(area(1)) });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.issues[0].path).toMatch(/^pickup\.(lat|lng)$/);
      });
    });

    it('refuses coordinates that parse to Infinity (1e999) and NaN-like strings', async () => {
      await changesNothing(async () => {
        expectProblem(await raw('/v1/quotes', riderA.token, '{"kind":"ride","pickup":{"lat":1e999,"lng":-73.5},"dropoff":{"lat":45.5,"lng":-73.5}}'), 400, 'VALIDATION_FAILED');
        expectProblem(await raw('/v1/quotes', riderA.token, '{"kind":"ride","pickup":{"lat":45.5,"lng":-1e999},"dropoff":{"lat":45.5,"lng":-73.5}}'), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/quotes', riderA.token, { kind: 'ride', pickup: { lat: 'NaN', lng: -73.5 }, dropoff: near(area(1)) }), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/quotes', riderA.token, { kind: 'ride', pickup: { lat: 'Infinity', lng: -73.5 }, dropoff: near(area(1)) }), 400, 'VALIDATION_FAILED');
      });
    });

    it('answers TRIP_NOT_FOUND for unknown trips and for other riders\' trips alike, VALIDATION_FAILED for ids that are not UUIDs', async () => {
      await changesNothing(async () => {
        const unknown = randomUUID();
        expectProblem(await system.http('GET', `/v1/trips/${unknown}`, { token: riderA.token }), 404, 'TRIP_NOT_FOUND');
        expectProblem(await post(`/v1/trips/${unknown}/cancel`, riderA.token, {}), 404, 'TRIP_NOT_FOUND');
        // Someone else's trip: no hint that it exists.
        expectProblem(await system.http('GET', `/v1/trips/${matchedTripId}`, { token: stranger.token }), 404, 'TRIP_NOT_FOUND');
        expectProblem(await post(`/v1/trips/${matchedTripId}/cancel`, stranger.token, {}), 404, 'TRIP_NOT_FOUND');
        for (const bad of ['not-a-uuid', '123', `${unknown}x`, "1' OR '1'='1"]) {
          expectProblem(await system.http('GET', `/v1/trips/${encodeURIComponent(bad)}`, { token: riderA.token }), 400, 'VALIDATION_FAILED');
          expectProblem(await post(`/v1/trips/${encodeURIComponent(bad)}/cancel`, riderA.token, {}), 400, 'VALIDATION_FAILED');
        }
        expectProblem(await post('/v1/trips', riderA.token, { quoteId: 'abc' }), 400, 'VALIDATION_FAILED');
        expectProblem(await post('/v1/trips', riderA.token, { quoteId: unknown }), 404, 'QUOTE_NOT_FOUND');
        const admin = await system.token('admin@coop.test', 'admin-password-1');
        expectProblem(await post('/v1/admin/drivers/nope/approve', admin, undefined), 400, 'VALIDATION_FAILED');
        expectProblem(await post(`/v1/admin/drivers/${unknown}/approve`, admin, undefined), 404, 'MEMBER_NOT_FOUND');
      });
    });

    it('refuses another rider\'s quote, and a second open trip', async () => {
      const quote = await post('/v1/quotes', riderA.token, goodQuote);
      expect(quote.status).toBe(201);
      await changesNothing(async () => {
        expectProblem(await post('/v1/trips', stranger.token, { quoteId: quote.body.quoteId }), 404, 'QUOTE_NOT_FOUND');
        // Rider A is on a matched trip already.
        expectProblem(await post('/v1/trips', riderA.token, { quoteId: quote.body.quoteId }), 409, 'RIDER_HAS_ACTIVE_TRIP');
      });
    });

    it('refuses NUL characters in free text with VALIDATION_FAILED (PostgreSQL text cannot hold them: this was a 500)', async () => {
      await changesNothing(async () => {
        const register = { email: `nul-${randomUUID().slice(0, 8)}@coop.test`, password: 'a-good-password', role: 'rider' };
        const named = await post('/v1/auth/register', undefined, { ...register, displayName: 'Ann\u0000Other' });
        expectProblem(named, 400, 'VALIDATION_FAILED');
        expect(named.body.issues).toEqual([{ path: 'displayName', message: expect.any(String) }]);
        expectProblem(await post('/v1/auth/token', undefined, { email: 'a\u0000@coop.test', password: 'a-good-password' }), 400, 'VALIDATION_FAILED');
        expectProblem(await post(`/v1/trips/${matchedTripId}/cancel`, riderA.token, { reason: 'changed my mind\u0000' }), 400, 'VALIDATION_FAILED');
        const decline = await driverB.socket.call('offer:decline', { offerId: pendingOfferId, reason: '\u0000' });
        expect(decline).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      });
      expect(await system.tripStatus(matchedTripId)).toBe('matched');
      expect((await system.offers(offeredTripId))[0].state).toBe('pending');
    });

    it('refuses a body nested thousands of levels deep with VALIDATION_FAILED, with or without an Idempotency-Key (hashing it was a 500)', async () => {
      const deep = `{"kind":"ride","pickup":${'['.repeat(20_000)}${']'.repeat(20_000)},"dropoff":{"lat":45.5,"lng":-73.5}}`;
      await changesNothing(async () => {
        expectProblem(await raw('/v1/quotes', riderA.token, deep), 400, 'VALIDATION_FAILED');
        const keyed = await system.http('POST', '/v1/quotes', { token: riderA.token, raw: deep, headers: { 'idempotency-key': `deep-${randomUUID()}` } });
        expectProblem(keyed, 400, 'VALIDATION_FAILED');
      });
    });

    it('refuses an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
      await changesNothing(async () => {
        const big = JSON.stringify({ ...goodQuote, padding: 'x'.repeat(100 * 1024) });
        expectProblem(await raw('/v1/quotes', riderA.token, big), 413, 'PAYLOAD_TOO_LARGE');
        expectProblem(await raw('/v1/auth/register', undefined, big), 413, 'PAYLOAD_TOO_LARGE');
      });
    });

    it('requires a valid token (401 UNAUTHENTICATED) and the right role (403 FORBIDDEN)', async () => {
      const unapproved = await system.member('driver', { approve: false });
      await changesNothing(async () => {
        expectProblem(await system.http('GET', `/v1/trips/${matchedTripId}`), 401, 'UNAUTHENTICATED');
        expectProblem(await post('/v1/quotes', undefined, goodQuote), 401, 'UNAUTHENTICATED');
        expectProblem(await post('/v1/quotes', 'not.a.token', goodQuote), 401, 'UNAUTHENTICATED');
        expectProblem(
          await system.http('POST', '/v1/quotes', { headers: { authorization: `Basic ${riderA.token}` }, body: goodQuote }),
          401,
          'UNAUTHENTICATED',
        );
        // A token with one character changed is not the same token.
        const forged = riderA.token.slice(0, -2) + (riderA.token.at(-2) === 'A' ? 'B' : 'A') + riderA.token.at(-1);
        expectProblem(await post('/v1/quotes', forged, goodQuote), 401, 'UNAUTHENTICATED');
        // A rider cannot approve drivers; a driver cannot ask for quotes.
        expectProblem(await post(`/v1/admin/drivers/${unapproved.memberId}/approve`, riderA.token, undefined), 403, 'FORBIDDEN');
        expectProblem(await post(`/v1/admin/drivers/${unapproved.memberId}/approve`, driverA.token, undefined), 403, 'FORBIDDEN');
        expectProblem(await post('/v1/quotes', driverA.token, goodQuote), 403, 'FORBIDDEN');
        expectProblem(await post(`/v1/trips/${matchedTripId}/cancel`, driverA.token, {}), 403, 'FORBIDDEN');
      });
      const [row] = await system.sql<{ approved_at: Date | null }>('SELECT approved_at FROM members WHERE id = $1', [unapproved.memberId]);
      expect(row.approved_at).toBeNull();
    });

    it('answers a retry with the same Idempotency-Key and body with the first answer, and refuses the key with another body (409 IDEMPOTENCY_KEY_REUSED)', async () => {
      const key = `quote-${randomUUID()}`;
      const headers = { 'idempotency-key': key };
      const first = await system.http('POST', '/v1/quotes', { token: stranger.token, headers, body: goodQuote });
      expect(first.status).toBe(201);
      const retry = await changesNothing(() => system.http('POST', '/v1/quotes', { token: stranger.token, headers, body: goodQuote }));
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      // The same body with its keys in another order is the same body.
      const reordered = { dropoff: goodQuote.dropoff, pickup: goodQuote.pickup, kind: 'ride' };
      expect((await changesNothing(() => system.http('POST', '/v1/quotes', { token: stranger.token, headers, body: reordered }))).body).toEqual(first.body);
      await changesNothing(async () => {
        const other = await system.http('POST', '/v1/quotes', { token: stranger.token, headers, body: { ...goodQuote, kind: 'delivery' } });
        expectProblem(other, 409, 'IDEMPOTENCY_KEY_REUSED');
        // The same key on another route is another request too.
        expectProblem(await system.http('POST', '/v1/trips', { token: stranger.token, headers, body: { quoteId: first.body.quoteId } }), 409, 'IDEMPOTENCY_KEY_REUSED');
        for (const bad of ['', 'has space', 'k'.repeat(256)]) {
          expectProblem(await system.http('POST', '/v1/quotes', { token: stranger.token, headers: { 'idempotency-key': bad }, body: goodQuote }), 400, 'VALIDATION_FAILED');
        }
      });
      // Keys belong to their member: another rider's identical key is a new request.
      const someoneElse = await system.http('POST', '/v1/quotes', { token: riderB.token, headers, body: goodQuote });
      expect(someoneElse.status).toBe(201);
      expect(someoneElse.body.quoteId).not.toBe(first.body.quoteId);

      // A trip request retried with its key is the same trip, with the same status code.
      const tripKey = { 'idempotency-key': `trip-${randomUUID()}` };
      const trip = await system.http('POST', '/v1/trips', { token: stranger.token, headers: tripKey, body: { quoteId: first.body.quoteId } });
      expect(trip).toMatchObject({ status: 201, body: { status: 'requested' } });
      const tripRetry = await system.http('POST', '/v1/trips', { token: stranger.token, headers: tripKey, body: { quoteId: first.body.quoteId } });
      expect(tripRetry).toMatchObject({ status: 201, body: { tripId: trip.body.tripId } });
      expect(await system.sql('SELECT 1 FROM trips WHERE rider_id = $1', [stranger.memberId])).toHaveLength(1);
      expect(await post(`/v1/trips/${trip.body.tripId}/cancel`, stranger.token, {})).toMatchObject({ status: 200 });
    });

    it('refuses a taken email with 409 EMAIL_TAKEN, whatever its case', async () => {
      const email = `taken-${randomUUID().slice(0, 8)}@coop.test`;
      const body = { email, password: 'a-good-password', displayName: 'First', role: 'rider' };
      expect((await post('/v1/auth/register', undefined, body)).status).toBe(201);
      await changesNothing(async () => {
        expectProblem(await post('/v1/auth/register', undefined, { ...body, displayName: 'Second' }), 409, 'EMAIL_TAKEN');
        expectProblem(await post('/v1/auth/register', undefined, { ...body, email: email.toUpperCase(), role: 'driver' }), 409, 'EMAIL_TAKEN');
        expectProblem(await post('/v1/auth/token', undefined, { email, password: 'the-wrong-password' }), 401, 'INVALID_CREDENTIALS');
      });
    });

    it('answers unknown routes with a 404 problem', async () => {
      await changesNothing(async () => {
        expectProblem(await system.http('GET', '/v1/nothing-here', { token: riderA.token }), 404, 'NOT_FOUND');
        expectProblem(await system.http('DELETE', `/v1/trips/${matchedTripId}`, { token: riderA.token }), 404, 'NOT_FOUND');
      });
    });

    it('serves GET /health and GET /metrics (Prometheus text)', async () => {
      const health = await system.http('GET', '/health');
      expect(health).toMatchObject({ status: 200, body: { status: 'ok', postgres: 'up', redis: 'up' } });
      const metrics = await system.http('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.contentType).toMatch(/^text\/plain/);
      expect(metrics.body).toMatch(/^# HELP /m);
      expect(metrics.body).toMatch(/^# TYPE dispatch_decisions_total counter$/m);
      expect(metrics.body).toMatch(/^dispatch_decisions_total\{outcome="offered"\} \d+$/m);
      // Both pools of the process (the app's and the log writer's), sampled at the read.
      expect(metrics.body).toMatch(/^db_pool_connections\{pool="main",state="idle"\} [1-9]\d*$/m);
      expect(metrics.body).toMatch(/^db_pool_waiting\{pool="log_writer"\} 0$/m);
      expect(metrics.body).toMatch(/^db_pool_hold_seconds_count\{pool="main"\} [1-9]\d*$/m);
    });
  });

  describe('socket.io', () => {
    async function refusedConnection(namespace: '/drivers' | '/riders', token: string | undefined): Promise<string> {
      const error = await system.socket(namespace, token).then(
        () => {
          throw new Error('the connection was accepted');
        },
        (e: Error & { data?: { code?: string } }) => e,
      );
      return error.data?.code ?? error.message;
    }

    function expectAckError(ack: unknown, code: string): void {
      expect(ack).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
    }

    it('refuses a connection without a valid token, or with a token of the wrong role', async () => {
      await changesNothing(async () => {
        expect(await refusedConnection('/drivers', undefined)).toBe('UNAUTHENTICATED');
        expect(await refusedConnection('/drivers', 'garbage')).toBe('UNAUTHENTICATED');
        expect(await refusedConnection('/drivers', riderA.token)).toBe('FORBIDDEN');
        expect(await refusedConnection('/riders', undefined)).toBe('UNAUTHENTICATED');
        expect(await refusedConnection('/riders', driverA.token)).toBe('FORBIDDEN');
      });
    });

    it('acks unknown events UNKNOWN_EVENT on both namespaces', async () => {
      const rider = await system.socket('/riders', stranger.token);
      await changesNothing(async () => {
        expectAckError(await driverA.socket.call('driver:teleport', { lat: 0, lng: 0 }), 'UNKNOWN_EVENT');
        expectAckError(await driverA.socket.call('trip:cancel', { tripId: matchedTripId }), 'UNKNOWN_EVENT');
        expectAckError(await rider.call('trip:cancel', { tripId: matchedTripId }), 'UNKNOWN_EVENT');
        // Still connected and answering.
        expect(await driverA.socket.call('driver:location', { ...area(1), at: new Date().toISOString() })).toEqual({ ok: true });
      });
    });

    it('refuses an unapproved driver going online (DRIVER_NOT_APPROVED) and a location before online (DRIVER_NOT_ONLINE)', async () => {
      const unapproved = await system.member('driver', { approve: false });
      const approved = await system.member('driver');
      const pending = await system.socket('/drivers', unapproved.token);
      const fresh = await system.socket('/drivers', approved.token);
      const fix = () => ({ ...area(1), at: new Date().toISOString() });
      await changesNothing(async () => {
        expectAckError(await pending.call('driver:online', { vehicle: { kind: 'car' } }), 'DRIVER_NOT_APPROVED');
        expectAckError(await pending.call('driver:location', fix()), 'DRIVER_NOT_ONLINE');
        expectAckError(await fresh.call('driver:location', fix()), 'DRIVER_NOT_ONLINE');
      });
      // Offline again is offline: a fix after driver:offline is refused as well.
      expect(await fresh.call('driver:online', { vehicle: { kind: 'car' } })).toMatchObject({ ok: true });
      expect(await fresh.call('driver:offline', {})).toEqual({ ok: true });
      expectAckError(await fresh.call('driver:location', fix()), 'DRIVER_NOT_ONLINE');
    });

    it('validates every driver event: bad shapes, out-of-range or non-numeric coordinates, non-UUID ids', async () => {
      const d = driverA.socket;
      const now = new Date().toISOString();
      await changesNothing(async () => {
        const cases: Array<[string, unknown]> = [
          ['driver:online', {}],
          ['driver:online', { vehicle: { kind: 'rocket' } }],
          ['driver:online', { vehicle: { kind: 'car', seats: -1 } }],
          ['driver:location', { lat: 91, lng: 0, at: now }],
          ['driver:location', { lat: 45.5, lng: -181, at: now }],
          ['driver:location', { lat: '45.5', lng: -73.5, at: now }],
          ['driver:location', { lat: NaN, lng: -73.5, at: now }], // travels as null
          ['driver:location', { lat: Infinity, lng: -73.5, at: now }],
          ['driver:location', { lat: 45.5, lng: -73.5 }],
          ['driver:location', { lat: 45.5, lng: -73.5, at: 'yesterday' }],
          ['driver:location', { lat: 45.5, lng: -73.5, at: new Date(Date.now() + 3_600_000).toISOString() }],
          ['driver:location', 'hello'],
          ['driver:location', null],
          ['driver:offline', { please: true }],
          ['offer:accept', {}],
          ['offer:accept', { offerId: 'not-a-uuid' }],
          ['offer:decline', { offerId: pendingOfferId, reason: 'x'.repeat(500) }],
          ['trip:arrived', { tripId: 42 }],
          ['trip:completed', { tripId: matchedTripId }],
          ['trip:completed', { tripId: matchedTripId, distanceMeters: -5, durationSeconds: 60 }],
          ['trip:completed', { tripId: matchedTripId, distanceMeters: 1.5, durationSeconds: 60 }],
        ];
        for (const [event, payload] of cases) {
          const ack = await d.call(event, payload);
          expect({ event, payload, code: ack?.error?.code }).toEqual({ event, payload, code: 'VALIDATION_FAILED' });
        }
      });
      // None of it moved the driver or the trip.
      expect(await system.tripStatus(matchedTripId)).toBe('matched');
    });

    it('refuses events for unknown trips and offers, and for someone else\'s (NOT_YOUR_TRIP, NOT_YOUR_OFFER)', async () => {
      await changesNothing(async () => {
        expectAckError(await driverB.socket.call('trip:arrived', { tripId: randomUUID() }), 'TRIP_NOT_FOUND');
        expectAckError(await driverB.socket.call('offer:accept', { offerId: randomUUID() }), 'OFFER_NOT_FOUND');
        expectAckError(await driverB.socket.call('offer:decline', { offerId: randomUUID() }), 'OFFER_NOT_FOUND');
        // Driver A's trip, driven by B.
        expectAckError(await driverB.socket.call('trip:arrived', { tripId: matchedTripId }), 'NOT_YOUR_TRIP');
        expectAckError(await driverB.socket.call('trip:started', { tripId: matchedTripId }), 'NOT_YOUR_TRIP');
        expectAckError(await driverB.socket.call('trip:completed', { tripId: matchedTripId, distanceMeters: 100, durationSeconds: 60 }), 'NOT_YOUR_TRIP');
        // Driver B's offer, answered by A.
        expectAckError(await driverA.socket.call('offer:accept', { offerId: pendingOfferId }), 'NOT_YOUR_OFFER');
        expectAckError(await driverA.socket.call('offer:decline', { offerId: pendingOfferId }), 'NOT_YOUR_OFFER');
        // The trip offered to B is not B's to drive yet.
        expectAckError(await driverB.socket.call('trip:arrived', { tripId: offeredTripId }), 'NOT_YOUR_TRIP');
        // Out of order on one's own trip: it has not been arrived at, so it cannot start.
        expectAckError(await driverA.socket.call('trip:started', { tripId: matchedTripId }), 'INVALID_TRANSITION');
      });
      expect(await system.tripStatus(matchedTripId)).toBe('matched');
      expect(await system.tripStatus(offeredTripId)).toBe('offered');
      expect((await system.offers(offeredTripId))[0].state).toBe('pending');
    });
  });
});
