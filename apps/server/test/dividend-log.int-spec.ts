import { canonicalBytes } from '@coop/canonical-json';
import { hashLeaf, verifyInclusion } from '@coop/transparency-log';
import { verifyLog } from '../../../tools/verify-log/verify-log';
import { CheckpointJob } from '../../dispatch/src/audit/checkpoint.job';
import { DividendAllocationRecord, dividendRecomputationFailures } from '../../dispatch/src/audit/dividend-leaf';
import { postCompletedTrip } from './journal-fixtures';
import { ADMIN, TestSystem } from './system.harness';

jest.setTimeout(120_000);

type Member = { memberId: string; token: string };
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The treasurer closes the year; the checkpoint tick appends the whole allocation to the
 * transparency log as one `dividend_allocation` leaf (members pseudonymized), which any member
 * reads from the audit API, proves included under a signed checkpoint, and recomputes.
 */
describe('dividend allocations in the transparency log', () => {
  let system: TestSystem;
  let treasurer: Member;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    system = await TestSystem.start();
    treasurer = await system.treasurer();
  });
  afterAll(async () => {
    await system.stop();
  });

  const trip = (rider: Member, driver: Member, fare: number, commission: number) => postCompletedTrip(system, rider, driver, fare, commission);

  it('a closed period becomes one leaf with an inclusion proof, and recomputing it gives the stored results', async () => {
    const [r1, r2, d1, d2] = [await system.member('rider'), await system.member('rider'), await system.member('driver'), await system.member('driver')];
    await trip(r1, d1, 1000, 100);
    await trip(r2, d2, 2000, 200);
    await trip(r1, d2, 500, 50);
    const closed = await system.http('POST', `/v1/dividends/periods/${year}/close`, { token: treasurer.token });
    expect(closed.body.status).toBe('closed');
    const stored = closed.body.allocation;

    // The tick the scheduler runs every 3 s, called here so the test does not wait for it (the
    // scheduler's own tick may log it first); more ticks add nothing.
    const checkpoints = system.nest.get(CheckpointJob);
    const logged = [...(await checkpoints.tick()).dividendsLogged, ...(await checkpoints.tick()).dividendsLogged];
    expect(logged.filter((y) => y !== year)).toEqual([]);
    expect(await system.sql(`SELECT count(*)::int AS n FROM log_leaves WHERE kind = 'dividend_allocation'`)).toEqual([{ n: 1 }]);

    const rider = await system.member('rider');
    const cp = (await system.http('GET', '/v1/audit/checkpoint', { token: rider.token })).body;
    const page = await system.http('GET', `/v1/audit/decisions?from=0&limit=500`, { token: rider.token });
    const leaves = page.body.decisions.filter((d: { leaf: { kind?: string } }) => d.leaf?.kind === 'dividend_allocation');
    expect(leaves).toHaveLength(1);
    const [entry] = leaves;
    expect(entry.index).toBeLessThan(cp.treeSize);

    // Included: the served leaf hashes to its leaf hash, and the proof leads to the signed root.
    const leafHash = hashLeaf(canonicalBytes(entry.leaf));
    expect(Buffer.from(leafHash).toString('base64')).toBe(entry.leafHash);
    const proof = await system.http('GET', `/v1/audit/decisions/${entry.index}/proof?treeSize=${cp.treeSize}`, { token: rider.token });
    expect(verifyInclusion({ index: entry.index, treeSize: cp.treeSize, leafHash, proof: proof.body.proof.map(b), rootHash: b(cp.rootHash) })).toEqual({ ok: true });

    // The inputs and results are the stored allocation's, with members pseudonymized.
    const record = entry.leaf.record as DividendAllocationRecord;
    expect(JSON.stringify(entry.leaf)).not.toMatch(UUID_RE);
    const { members, ...inputs } = stored;
    expect(record).toMatchObject({ ...inputs, transactionId: `dividend:${year}` });
    const figures = (ms: Array<{ patronage: number; allocation: number; cash: number; retained: number }>) =>
      ms.map(({ patronage, allocation, cash, retained }) => [patronage, allocation, cash, retained]).sort((x, y) => x[0] - y[0]);
    expect(figures(record.members)).toEqual(figures(members));
    expect(new Set(record.members.map((m) => m.member)).size).toBe(members.length);

    // Each member finds their own line through their statement.
    for (const m of [r1, r2, d1, d2]) {
      const statement = (await system.http('GET', `/v1/dividends/periods/${year}/me`, { token: m.token })).body;
      const { memberId: _, ...mine } = statement.member;
      expect(record.members[statement.logPosition]).toMatchObject(mine);
    }
    expect((await system.http('GET', `/v1/dividends/periods/${year}/me`, { token: rider.token })).body.logPosition).toBeNull();

    // Any member recomputes it: same reserve, allocations, cash and retained parts.
    expect(dividendRecomputationFailures(record)).toEqual([]);

    // And the verifier CLI's library checks it with the rest of the log.
    const report = await verifyLog({ url: system.url, token: (await system.token(ADMIN.email, ADMIN.password)) });
    expect(report.failures).toEqual([]);
    expect(report.notes).toContain(`leaf ${entry.index}: the ${year} dividend allocation, recomputed from its inputs`);
  });
});
