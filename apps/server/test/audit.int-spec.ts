import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes } from '@coop/canonical-json';
import {
  hashLeaf,
  keyId,
  parseCheckpointBody,
  publicKeyFromBase64,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@coop/transparency-log';
import { verifyLog } from '../../../tools/verify-log/verify-log';
import { ADMIN, TestSystem, area, near } from './system.harness';

jest.setTimeout(120_000);

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** Runs the real CLI as a member would; resolves with its exit code and output. */
function runCli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/verify-log/main.ts', ...args],
      { cwd: join(__dirname, '../../..'), timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('the member-auditable dispatch log, end to end', () => {
  let system: TestSystem;
  let admin: string;
  let dir: string;
  const members: string[] = [];
  const trips: string[] = [];
  let drivers: Awaited<ReturnType<TestSystem['onlineDriver']>>[];

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = await system.token(ADMIN.email, ADMIN.password);
    dir = await mkdtemp(join(tmpdir(), 'verify-log-'));
  });
  afterAll(async () => {
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function headSize(): Promise<number> {
    return Number((await system.sql<{ size: string }>('SELECT size FROM log_head'))[0].size);
  }

  async function signedUpTo(size: number) {
    let cp: any;
    await system.until(async () => {
      cp = (await system.http('GET', '/v1/audit/checkpoint')).body;
      return cp?.treeSize >= size;
    }, 15_000);
    return cp;
  }

  /** A trip that one driver declines and the other takes: two decisions. */
  async function tripWithDecline(n: number) {
    // n: the neighbourhood (area) where the drivers wait.
    // A fresh fix from every waiting driver: matching excludes fixes older than the policy's
    // staleFixSeconds (45 s), which a loaded machine can pass between two tests.
    for (const d of drivers) expect(await d.socket.call('driver:location', { ...area(n), at: new Date().toISOString() })).toEqual({ ok: true });
    const rider = await system.member('rider');
    members.push(rider.memberId);
    const { tripId } = await system.requestTrip(rider, area(n), near(area(n)));
    trips.push(tripId);
    const first = await system.pendingOffer(tripId, 1);
    const firstDriver = drivers.find((d) => d.memberId === first.driverId)!;
    await firstDriver.socket.next('offer', (o) => o.offerId === first.id);
    expect(await firstDriver.socket.call('offer:decline', { offerId: first.id })).toEqual({ ok: true });
    const second = await system.pendingOffer(tripId, 2);
    const secondDriver = drivers.find((d) => d.memberId === second.driverId)!;
    await secondDriver.socket.next('offer', (o) => o.offerId === second.id);
    expect(await secondDriver.socket.call('offer:accept', { offerId: second.id })).toMatchObject({ ok: true });
    // Finish the trip so both drivers are free for the next one.
    for (const [event, extra] of [['trip:arrived', {}], ['trip:started', {}], ['trip:completed', { distanceMeters: 2000, durationSeconds: 400 }]] as const) {
      expect(await secondDriver.socket.call(event, { tripId, ...extra })).toMatchObject({ ok: true });
    }
    return { first, second };
  }

  it('logs decisions, signs checkpoints that verify, and proves inclusion and consistency', async () => {
    drivers = [await system.onlineDriver(area(1)), await system.onlineDriver(area(1))];
    members.push(...drivers.map((d) => d.memberId));
    await tripWithDecline(1);
    const size = await headSize();
    expect(size).toBeGreaterThanOrEqual(3); // policy 1 activation + two decisions

    const cp = await signedUpTo(size);
    const key = (await system.http('GET', '/v1/audit/public-key')).body;
    expect(key).toMatchObject({ algorithm: 'ed25519', keyId: cp.keyId });
    const publicKey = publicKeyFromBase64(key.publicKey);
    expect(keyId(cp.origin, publicKey)).toBe(cp.keyId);
    expect(verifyCheckpoint(cp.body, cp.signature, publicKey)).toBe(true);
    expect(parseCheckpointBody(cp.body)).toMatchObject({ origin: cp.origin, treeSize: cp.treeSize, timestamp: cp.timestamp });
    expect(cp.body.split('\n')[2]).toBe(cp.rootHash);

    const page = await system.http('GET', `/v1/audit/decisions?from=0&limit=${cp.treeSize}`, { token: admin });
    expect(page.status).toBe(200);
    expect(page.body.decisions.map((d: any) => d.index)).toEqual([...Array(page.body.decisions.length).keys()]);
    const kinds = page.body.decisions.map((d: any) => d.leaf.kind);
    expect(kinds).toContain('policy_activation');
    expect(kinds.filter((k: string) => k === 'dispatch_decision').length).toBeGreaterThanOrEqual(2);
    for (const d of page.body.decisions.filter((x: any) => x.index < cp.treeSize)) {
      const leafHash = hashLeaf(canonicalBytes(d.leaf));
      expect(Buffer.from(leafHash).toString('base64')).toBe(d.leafHash);
      const proof = await system.http('GET', `/v1/audit/decisions/${d.index}/proof?treeSize=${cp.treeSize}`);
      expect(proof.body).toMatchObject({ index: d.index, treeSize: cp.treeSize, leafHash: d.leafHash });
      expect(verifyInclusion({ index: d.index, treeSize: cp.treeSize, leafHash, proof: proof.body.proof.map(b), rootHash: b(cp.rootHash) })).toEqual({ ok: true });
    }

    await tripWithDecline(1);
    const later = await signedUpTo(cp.treeSize + 2);
    expect(verifyCheckpoint(later.body, later.signature, publicKey)).toBe(true);
    const consistency = await system.http('GET', `/v1/audit/consistency?from=${cp.treeSize}&to=${later.treeSize}`);
    expect(consistency.status).toBe(200);
    expect(
      verifyConsistency({ oldSize: cp.treeSize, newSize: later.treeSize, oldRoot: b(cp.rootHash), newRoot: b(later.rootHash), proof: consistency.body.proof.map(b) }),
    ).toEqual({ ok: true });
  });

  it('shows other members only as pseudonyms and coarse cells, through every audit endpoint', async () => {
    const rider = await system.member('rider');
    members.push(rider.memberId);
    const cp = (await system.http('GET', '/v1/audit/checkpoint')).body;
    const responses = [
      await system.http('GET', `/v1/audit/decisions?limit=1000`, { token: rider.token }),
      await system.http('GET', '/v1/audit/checkpoint'),
      await system.http('GET', '/v1/audit/public-key'),
      await system.http('GET', `/v1/audit/decisions/1/proof`),
      await system.http('GET', `/v1/audit/consistency?from=1&to=${cp.treeSize}`),
      await system.http('GET', '/v1/audit/fairness', { token: rider.token }),
    ];
    for (const r of responses) {
      expect(r.status).toBe(200);
      const text = JSON.stringify(r.body);
      expect(text.match(UUID_RE)).toBeNull();
      expect(text).not.toMatch(/latE6|lngE6/);
      for (const id of [...members, ...trips]) expect(text).not.toContain(id);
    }
    const decisions = responses[0].body.decisions.filter((d: any) => d.leaf.kind === 'dispatch_decision');
    expect(decisions.length).toBeGreaterThanOrEqual(4);
    for (const d of decisions) {
      expect(d.disclosure).toBeUndefined();
      expect(d.leaf.record.choice.driverId).toMatch(/^m-/);
      expect(d.leaf.record.request.pickup).toEqual({ cell: expect.any(String) });
    }

    // A driver sees which decisions were about them, with their own exact snapshot, and nobody else's id.
    const [me, other] = drivers;
    const mine = await system.http('GET', `/v1/audit/decisions?limit=1000`, { token: me.token });
    const about = mine.body.decisions.filter((d: any) => d.viewer);
    expect(about.length).toBeGreaterThanOrEqual(2);
    for (const d of about) {
      expect(d.viewer.snapshot).toMatchObject({ driverId: me.memberId, position: { latE6: expect.any(Number) } });
      expect(JSON.stringify(d.leaf)).toContain(d.viewer.pseudonym);
    }
    const text = JSON.stringify(mine.body);
    expect(text).not.toContain(other.memberId);
    expect(text.match(UUID_RE)!.every((id) => id === me.memberId)).toBe(true);
  });

  it('validates every query with problem+json codes', async () => {
    const size = await headSize();
    const cases: Array<[string, number, string, string?]> = [
      ['/v1/audit/decisions?from=abc', 400, 'VALIDATION_FAILED', admin],
      ['/v1/audit/decisions?from=01', 400, 'VALIDATION_FAILED', admin],
      ['/v1/audit/decisions?limit=0', 400, 'VALIDATION_FAILED', admin],
      ['/v1/audit/decisions?limit=1001', 400, 'VALIDATION_FAILED', admin],
      ['/v1/audit/decisions?from=1&from=2', 400, 'VALIDATION_FAILED', admin],
      ['/v1/audit/decisions?sort=desc', 400, 'VALIDATION_FAILED', admin],
      [`/v1/audit/decisions?from=${size + 1}`, 416, 'AUDIT_TREE_SIZE_OUT_OF_RANGE', admin],
      ['/v1/audit/decisions', 401, 'UNAUTHENTICATED'],
      ['/v1/audit/decisions/-1/proof', 400, 'VALIDATION_FAILED'],
      ['/v1/audit/decisions/1e3/proof', 400, 'VALIDATION_FAILED'],
      ['/v1/audit/decisions/99999999999999999/proof', 400, 'VALIDATION_FAILED'],
      [`/v1/audit/decisions/${size}/proof?treeSize=${size}`, 404, 'AUDIT_INDEX_OUT_OF_RANGE'],
      [`/v1/audit/decisions/0/proof?treeSize=${size + 5}`, 416, 'AUDIT_TREE_SIZE_OUT_OF_RANGE'],
      ['/v1/audit/decisions/0/proof?treeSize=0', 400, 'VALIDATION_FAILED'],
      ['/v1/audit/consistency?from=0&to=1', 400, 'VALIDATION_FAILED'],
      ['/v1/audit/consistency?from=3&to=2', 400, 'VALIDATION_FAILED'],
      ['/v1/audit/consistency', 400, 'VALIDATION_FAILED'],
      [`/v1/audit/consistency?from=1&to=${size + 1}`, 416, 'AUDIT_TREE_SIZE_OUT_OF_RANGE'],
    ];
    for (const [path, status, code, token] of cases) {
      const r = await system.http('GET', path, { token });
      expect({ path, status: r.status, code: r.body?.code, type: r.contentType.split(';')[0] }).toEqual({
        path, status, code, type: 'application/problem+json',
      });
    }
  });

  it('logs a policy version when it comes into force, checks decisions against it, and reports a fork against the saved checkpoint', async () => {
    const version = await system.useMatchingPolicy({ offerTimeoutSeconds: 600 });
    await tripWithDecline(1);
    await system.until(async () => {
      const rows = await system.sql(`SELECT 1 FROM log_leaves WHERE kind = 'policy_activation' AND (body::jsonb #>> '{record,version}')::int = $1`, [version]);
      return rows.length === 1;
    }, 15_000);
    const cp = await signedUpTo(await headSize());
    const report = await verifyLog({ url: system.url, token: admin });
    expect(report.failures).toEqual([]);
    expect(report.policiesSeen).toBeGreaterThanOrEqual(2);

    // The fairness figures the API serves are the ones a member recomputes from the verified leaves.
    const fairness = await system.http('GET', '/v1/audit/fairness', { token: admin });
    expect(fairness.status).toBe(200);
    expect(fairness.body.decisions).toBeGreaterThanOrEqual(6);
    expect(fairness.body.drivers.map((d: any) => d.offers).reduce((a: number, b: number) => a + b, 0)).toBe(fairness.body.decisions);
    const recomputed = await verifyLog({ url: system.url, token: (await system.member('rider')).token, fairness: true });
    const { outcomes, ...fromLog } = fairness.body;
    expect(recomputed.fairness!.find((p) => p.period === fairness.body.period)).toEqual(fromLog);
    // Trips per driver and wait times come from the trips table (not in the log), pseudonymized.
    const [totals] = await system.sql<{ requested: string; matched: string; completed: string }>(
      `SELECT count(*) AS requested, count(matched_at) AS matched, count(*) FILTER (WHERE status = 'completed') AS completed FROM trips`,
    );
    expect(outcomes).toMatchObject({
      source: 'trips table',
      requested: Number(totals.requested),
      matched: Number(totals.matched),
      completed: Number(totals.completed),
    });
    expect(outcomes.completed).toBeGreaterThanOrEqual(trips.length);
    const perDriver = await system.sql<{ n: string }>(`SELECT count(*) AS n FROM trips WHERE matched_at IS NOT NULL GROUP BY driver_id ORDER BY n DESC`);
    expect(outcomes.drivers.map((d: any) => d.trips)).toEqual(perDriver.map((r) => Number(r.n)));
    for (const d of outcomes.drivers) expect(fromLog.drivers.map((x: any) => x.pseudonym)).toContain(d.pseudonym);
    const { median, p90, max } = outcomes.waitSeconds;
    expect(0 <= median && median <= p90 && p90 <= max).toBe(true);
    expect(outcomes.tripsGini).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(outcomes)).not.toMatch(new RegExp(UUID_RE.source, "i"));
    // The verifier passes them on, labelled as reported, beside the figures it recomputed.
    expect(recomputed.reportedOutcomes!.find((p) => p.period === fairness.body.period)).toEqual({ period: fairness.body.period, ...outcomes });
    expect((await system.http('GET', '/v1/audit/fairness?period=2026-13x', { token: admin })).body.code).toBe('VALIDATION_FAILED');

    // A state file from an earlier run that saw another tree of the same size: a fork.
    const forkState = join(dir, 'fork.json');
    const key = (await system.http('GET', '/v1/audit/public-key')).body.publicKey;
    const otherRoot = Buffer.alloc(32, 7).toString('base64');
    const forkBody = cp.body.replace(cp.rootHash, otherRoot);
    await writeFile(forkState, JSON.stringify({ url: system.url, origin: cp.origin, publicKey: key, checkpoint: { treeSize: cp.treeSize, rootHash: otherRoot, body: forkBody, signature: cp.signature } }));
    const forked = await verifyLog({ url: system.url, statePath: forkState });
    expect(forked.ok).toBe(false);
    expect(forked.failures).toEqual([{ what: expect.stringMatching(/^not consistent with the checkpoint saved last time .*SAME_SIZE_DIFFERENT_ROOT/) }]);
    expect(JSON.parse(await readFile(forkState, 'utf8')).checkpoint.rootHash).toBe(otherRoot); // not overwritten
  });

  it('names the policy by version and hash in each decision (leaf v3), after its activation; a verifier starting mid-log fetches the activations before it', async () => {
    const cp = await signedUpTo(await headSize());
    const page = (await system.http('GET', `/v1/audit/decisions?from=0&limit=${cp.treeSize}`, { token: admin })).body.decisions;
    const activatedAt = new Map<string, { index: number; hash: string }>();
    let firstDecision = -1;
    for (const d of page) {
      if (d.leaf.kind === 'policy_activation' && !activatedAt.has(String(d.leaf.record.version))) {
        activatedAt.set(String(d.leaf.record.version), { index: d.index, hash: d.leaf.record.hash });
      }
      if (d.leaf.kind !== 'dispatch_decision') continue;
      if (firstDecision < 0) firstDecision = d.index;
      expect(d.leaf.schema).toBe('coop-dispatch/log-leaf/v3');
      // Only the reference, in the public leaf and in the sealed full record alike.
      expect(d.leaf.record.policy).toEqual({ version: expect.any(String), hash: expect.any(String) });
      expect(d.disclosure.record.policy).toEqual(d.leaf.record.policy);
      const activation = activatedAt.get(d.leaf.record.policy.version);
      expect({ index: d.index, activation }).toEqual({ index: d.index, activation: { index: expect.any(Number), hash: d.leaf.record.policy.hash } });
    }
    expect(activatedAt.size).toBeGreaterThanOrEqual(2);

    // Only the activations, with `next` after the last one returned.
    const only = await system.http('GET', '/v1/audit/decisions?kind=policy_activation&limit=1', { token: admin });
    expect(only.status).toBe(200);
    expect(only.body.decisions.map((d: any) => d.leaf.kind)).toEqual(['policy_activation']);
    expect(only.body.next).toBe(only.body.decisions[0].index + 1);
    const bad = await system.http('GET', '/v1/audit/decisions?kind=bogus', { token: admin });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });

    // From the first decision on: every decision's policy comes from the activations fetched before the range.
    const midway = await verifyLog({ url: system.url, token: (await system.member('rider')).token, from: firstDecision });
    expect(midway.failures).toEqual([]);
    expect(midway.policiesSeen).toBe(activatedAt.size);
    expect(midway.rankingChecked).toBeGreaterThanOrEqual(4);
    expect(midway.inclusionChecked).toBe(cp.treeSize - firstDecision + [...activatedAt.values()].filter((a) => a.index < firstDecision).length);
  });

  it('filters decisions on the server: logged since/until, pickup cell, a driver\'s own; bad filters are 400 problem+json', async () => {
    const all = (await system.http('GET', '/v1/audit/decisions?limit=1000', { token: admin })).body.decisions;
    const decisions = all.filter((d: any) => d.leaf.kind === 'dispatch_decision');
    const indices = (page: any) => page.body.decisions.map((d: any) => d.index);

    const cell = decisions[0].leaf.record.search.pickupCell;
    const inCell = await system.http('GET', `/v1/audit/decisions?cell=${cell}&limit=1000`, { token: admin });
    expect(inCell.status).toBe(200);
    expect(indices(inCell)).toEqual(decisions.filter((d: any) => d.leaf.record.search.pickupCell === cell).map((d: any) => d.index));
    // A page of 1 from the start, then from its `next`: the same leaves, one at a time.
    const first = await system.http('GET', `/v1/audit/decisions?cell=${cell}&limit=1`, { token: admin });
    const second = await system.http('GET', `/v1/audit/decisions?cell=${cell}&limit=1&from=${first.body.next}`, { token: admin });
    expect([...indices(first), ...indices(second)]).toEqual(indices(inCell).slice(0, 2));
    expect((await system.http('GET', '/v1/audit/decisions?cell=8f2830828052d25&limit=1000', { token: admin })).body.decisions).toEqual([]);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(indices(await system.http('GET', `/v1/audit/decisions?since=${future}&limit=1000`, { token: admin }))).toEqual([]);
    expect(indices(await system.http('GET', `/v1/audit/decisions?until=2000-01-01T00:00:00Z&limit=1000`, { token: admin }))).toEqual([]);
    expect(indices(await system.http('GET', `/v1/audit/decisions?since=2000-01-01T00:00:00%2B02:00&until=${future}&limit=1000`, { token: admin }))).toEqual(
      all.map((d: any) => d.index),
    );

    // mine=true: exactly the decisions the driver's view marks as about them (matched on the sealed record, which stays hidden).
    const [me] = drivers;
    const about = (await system.http('GET', '/v1/audit/decisions?limit=1000', { token: me.token })).body.decisions.filter((d: any) => d.viewer);
    const mine = await system.http('GET', '/v1/audit/decisions?mine=true&limit=1000', { token: me.token });
    expect(mine.status).toBe(200);
    expect(indices(mine)).toEqual(about.map((d: any) => d.index));
    expect(mine.body.decisions.every((d: any) => d.viewer && !d.disclosure)).toBe(true);

    const rider = await system.member('rider');
    for (const [path, token] of [
      ['/v1/audit/decisions?mine=true', rider.token],
      ['/v1/audit/decisions?mine=yes', me.token],
      ['/v1/audit/decisions?cell=872B8E2DCFFFFFF', admin],
      ['/v1/audit/decisions?cell=12', admin],
      ['/v1/audit/decisions?since=yesterday', admin],
      ['/v1/audit/decisions?since=2026-11-23T10:00:00', admin],
      [`/v1/audit/decisions?since=${future}&until=2000-01-01T00:00:00Z`, admin],
    ] as const) {
      const r = await system.http('GET', path, { token });
      expect({ path, status: r.status, code: r.body?.code, type: r.contentType.split(';')[0] }).toEqual({
        path, status: 400, code: 'VALIDATION_FAILED', type: 'application/problem+json',
      });
    }
  });

  it('the verifier passes a healthy log, remembers its checkpoint, and fails after a stored leaf is tampered with', async () => {
    const state = join(dir, 'state.json');
    const healthy = await verifyLog({ url: system.url, token: admin, statePath: state });
    expect(healthy.failures).toEqual([]);
    expect(healthy.ok).toBe(true);
    expect(healthy.leaves).toBe(healthy.treeSize);
    expect(healthy.replayedFull).toBeGreaterThanOrEqual(4);
    expect(healthy.policiesSeen).toBeGreaterThanOrEqual(1);

    const asRider = await verifyLog({ url: system.url, token: (await system.member('rider')).token });
    expect(asRider.failures).toEqual([]);
    expect(asRider.rankingChecked).toBeGreaterThanOrEqual(4);

    await tripWithDecline(1);
    await signedUpTo(healthy.treeSize! + 2);
    const cli = await runCli(['--url', system.url, '--token', admin, '--state', state]);
    expect(cli.out).toContain('OK: every check passed');
    expect(cli.out).toMatch(/consistent: yes/);
    expect(cli.code).toBe(0);

    // Rewrite one decision's public record in the database: the score of its chosen candidate.
    const [victim] = await system.sql<{ index: string; body: string }>(
      `SELECT index, body FROM log_leaves WHERE kind = 'dispatch_decision' ORDER BY index LIMIT 1`,
    );
    const leaf = JSON.parse(victim.body);
    leaf.record.choice.score += 1;
    await system.sql('ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_append_only');
    await system.sql('UPDATE log_leaves SET body = $2 WHERE index = $1', [victim.index, JSON.stringify(leaf)]);
    await system.sql('ALTER TABLE log_leaves ENABLE TRIGGER log_leaves_append_only');

    const tampered = await runCli(['--url', system.url, '--token', admin, '--state', state]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`FAIL leaf ${victim.index}: leaf hash`);
    const report = await verifyLog({ url: system.url, token: admin });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { index: Number(victim.index), what: expect.stringMatching(/^leaf hash/) },
      { index: Number(victim.index), what: 'disclosure: the public record differs from the sealed full record at record.choice.score' },
      { index: Number(victim.index), what: expect.stringMatching(/^inclusion proof does not verify/) },
      { what: 'the root of all downloaded leaves is not the checkpoint root' },
    ]);

    // A careful forger also rewrites the stored leaf hash: the Merkle nodes still give them away.
    const forgedHash = Buffer.from(hashLeaf(canonicalBytes(JSON.parse(JSON.stringify(leaf))))).toString('hex');
    await system.sql('ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_append_only');
    await system.sql(`UPDATE log_leaves SET leaf_hash = decode($2, 'hex') WHERE index = $1`, [victim.index, forgedHash]);
    await system.sql('ALTER TABLE log_leaves ENABLE TRIGGER log_leaves_append_only');
    const forged = await verifyLog({ url: system.url, token: admin });
    expect(forged.failures).toEqual(
      expect.arrayContaining([
        { index: Number(victim.index), what: expect.stringMatching(/^inclusion proof does not verify/) },
        { index: Number(victim.index), what: expect.stringMatching(/^disclosure:/) },
      ]),
    );
  });
});
