import { tallyVotes } from '@coop/governance';
import { defaultPolicy } from '@coop/policy';
import { ADMIN, TestSystem, area } from './system.harness';

jest.setTimeout(120_000);

type Member = { memberId: string; token: string };

/**
 * A full governance cycle on a running system: propose, vote, quorum missed, re-propose,
 * pass, activate; the next dispatch decision follows the new policy hash. Windows last days
 * by policy, so the tests move a proposal's close (and effective time) to now in SQL: that
 * stands for time passing, nothing else about the proposal changes.
 */
describe('policy governance, one member one vote', () => {
  let system: TestSystem;
  let admin: string;
  const drivers: Member[] = [];
  const riders: Member[] = [];

  const endWindow = (id: string) =>
    system.sql(`UPDATE governance_proposals SET closes_at = now(), effective_at = now() WHERE id = $1`, [id]);
  const propose = (by: Member, body: object) => system.http('POST', '/v1/governance/proposals', { token: by.token, body });
  const vote = (by: Member, id: string, choice: string) =>
    system.http('PUT', `/v1/governance/proposals/${id}/ballot`, { token: by.token, body: { choice } });

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = await system.token(ADMIN.email, ADMIN.password);
    // 10 eligible members: 2 approved drivers and 8 riders. The admin is in no membership class.
    for (let i = 0; i < 2; i++) drivers.push(await system.member('driver'));
    for (let i = 0; i < 8; i++) riders.push(await system.member('rider'));
  });
  afterAll(async () => {
    await system.stop();
  });

  it('refuses invalid proposals with a code, and non-members', async () => {
    const notObject = await propose(riders[0]!, { title: 'x', patch: [1] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.code).toBe('VALIDATION_FAILED');

    const lowCash = await propose(riders[0]!, { title: 'Less cash', patch: { dividends: { cashBasisPoints: 1000 } } });
    expect(lowCash.status).toBe(422);
    expect(lowCash.body.code).toBe('POLICY_INVALID');
    expect(lowCash.body.issues).toEqual([expect.objectContaining({ path: 'dividends.cashBasisPoints' })]);

    const nothing = await propose(riders[0]!, { title: 'Same', patch: { matching: { offerTimeoutSeconds: defaultPolicy.matching.offerTimeoutSeconds } } });
    expect(nothing.body.code).toBe('PROPOSAL_NO_CHANGE');

    const byAdmin = await propose({ memberId: '', token: admin }, { title: 'Admin rules', patch: { title: 'Admin rules' } });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.code).toBe('NOT_A_VOTING_MEMBER');
    const unapproved = await system.member('driver', { approve: false });
    expect((await propose(unapproved, { title: 't', patch: { title: 't' } })).body.code).toBe('NOT_A_VOTING_MEMBER');
    expect(await system.sql('SELECT 1 FROM governance_proposals')).toEqual([]);
  });

  it('runs the cycle: quorum missed, re-proposed, passed, activated, and the next decision follows the new hash', async () => {
    const patch = { title: 'Longer offers', matching: { offerTimeoutSeconds: 45 } };

    // First proposal: one yes out of ten eligible (10% < 20% quorum).
    const first = await propose(riders[0]!, { title: 'Give drivers 45 s to answer', patch });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'open', baseVersion: 1, tally: null, supermajority: false, changes: [
      { path: 'matching.offerTimeoutSeconds', before: 20, after: 45 },
      { path: 'title', before: defaultPolicy.title, after: 'Longer offers' },
    ] });
    const a = first.body.id as string;

    // A member votes, changes their mind, and still has one ballot with the same receipt.
    const yes = await vote(riders[0]!, a, 'no');
    expect(yes.status).toBe(200);
    const changed = await vote(riders[0]!, a, 'yes');
    expect(changed.body).toMatchObject({ choice: 'yes', receipt: yes.body.receipt });
    // Nobody votes for another member: the ballot is always the caller's; a member id in the body is refused.
    const forOther = await system.http('PUT', `/v1/governance/proposals/${a}/ballot`, { token: riders[1]!.token, body: { choice: 'yes', memberId: riders[2]!.memberId } });
    expect(forOther.status).toBe(400);
    expect(forOther.body.code).toBe('VALIDATION_FAILED');
    expect((await vote({ memberId: '', token: admin }, a, 'yes')).body.code).toBe('NOT_A_VOTING_MEMBER');
    expect((await vote(riders[0]!, a, 'maybe')).body.code).toBe('VALIDATION_FAILED');
    expect(await system.sql('SELECT member_id FROM governance_ballots WHERE proposal_id = $1', [a])).toEqual([{ member_id: riders[0]!.memberId }]);

    // Tallies are hidden while the window is open; closing early is refused.
    expect((await system.http('GET', `/v1/governance/proposals/${a}`, { token: riders[3]!.token })).body.tally).toBeNull();
    expect((await system.http('GET', `/v1/governance/proposals/${a}/ballots`, { token: riders[3]!.token })).body.code).toBe('VOTING_STILL_OPEN');
    expect((await system.http('POST', `/v1/governance/proposals/${a}/close`, { token: riders[3]!.token })).body.code).toBe('VOTING_STILL_OPEN');

    await endWindow(a);
    const missed = await system.http('POST', `/v1/governance/proposals/${a}/close`, { token: riders[3]!.token });
    expect(missed.status).toBe(200);
    expect(missed.body).toMatchObject({ status: 'rejected', activatedVersion: null, tally: { eligible: 10, yes: 1, cast: 1, quorumMet: false, passed: false } });
    expect((await vote(riders[1]!, a, 'yes')).body.code).toBe('VOTING_CLOSED');
    expect((await system.http('GET', '/v1/policy', { token: riders[0]!.token })).body.version).toBe(1);

    // Re-proposed: 2 yes, 1 no, 1 abstain of 10: quorum 40% >= 20%, yes 2/3 >= 50.01%.
    const second = await propose(drivers[0]!, { title: 'Give drivers 45 s to answer (again)', patch });
    const b = second.body.id as string;
    const receipts: Record<string, string> = {};
    for (const [m, choice] of [[drivers[0]!, 'yes'], [riders[1]!, 'yes'], [riders[2]!, 'no'], [riders[3]!, 'abstain']] as const) {
      const cast = await vote(m, b, choice);
      expect(cast.status).toBe(200);
      receipts[m.memberId] = cast.body.receipt;
    }
    await endWindow(b);
    const passed = await system.http('POST', `/v1/governance/proposals/${b}/close`, { token: riders[4]!.token });
    expect(passed.body).toMatchObject({ status: 'passed', activatedVersion: 2, tally: { eligible: 10, yes: 2, no: 1, abstain: 1, cast: 4, quorumMet: true, thresholdMet: true, passed: true } });
    // Closing again changes nothing.
    expect((await system.http('POST', `/v1/governance/proposals/${b}/close`, { token: riders[4]!.token })).body).toEqual(passed.body);

    // The published ballots recount to the same tally, and each voter finds their receipt.
    const published = await system.http('GET', `/v1/governance/proposals/${b}/ballots`, { token: riders[5]!.token });
    expect(published.body.ballots).toHaveLength(4);
    expect(JSON.stringify(published.body)).not.toContain(drivers[0]!.memberId);
    expect(published.body.ballots.map((x: { receipt: string }) => x.receipt).sort()).toEqual(Object.values(receipts).sort());
    const recount = tallyVotes(published.body.ballots.map((x: { choice: 'yes' | 'no' | 'abstain' }) => x.choice), published.body.tally.eligible, defaultPolicy.governance, false);
    expect(recount).toEqual(published.body.tally);

    // Version 2 comes into force; dispatch reads it, and the log records the activation with its tally.
    await system.until(async () => (await system.http('GET', '/v1/policy', { token: riders[0]!.token })).body.version === 2, 15_000);
    const inForce = (await system.http('GET', '/v1/policy', { token: riders[0]!.token })).body;
    expect(inForce).toMatchObject({ hash: passed.body.hash, document: { matching: { offerTimeoutSeconds: 45 } } });
    await system.until(async () => (await system.sql(`SELECT 1 FROM log_leaves WHERE kind = 'policy_activation' AND (body::jsonb #>> '{record,version}')::int = 2`)).length === 1, 20_000);
    const [leaf] = await system.sql<{ body: string }>(`SELECT body FROM log_leaves WHERE kind = 'policy_activation' AND (body::jsonb #>> '{record,version}')::int = 2`);
    expect(JSON.parse(leaf!.body).record).toMatchObject({ version: 2, hash: passed.body.hash, governance: { proposalId: b, tally: passed.body.tally } });

    await system.onlineDriver(area(1));
    const { tripId, quote } = await system.requestTrip(undefined, area(1));
    expect(quote.policyHash).toBe(passed.body.hash);
    await system.pendingOffer(tripId);
    const [decision] = await system.sql<{ hash: string }>(
      `SELECT body::jsonb #>> '{record,policy,hash}' AS hash FROM log_leaves WHERE kind = 'dispatch_decision' AND trip_id = $1 ORDER BY index LIMIT 1`,
      [tripId],
    );
    expect(decision!.hash).toBe(passed.body.hash);
  });

  it('needs the supermajority for a change to the governance rules, and supersedes a proposal built on an old version', async () => {
    const gov = await propose(riders[0]!, { title: 'Lower quorum', patch: { title: 'Lower quorum', governance: { quorumBasisPoints: 1000 } } });
    const other = await propose(riders[1]!, { title: 'Higher minimum payout', patch: { title: 'Higher minimum', payouts: { minimumAmount: 2500 } } });
    expect(gov.body.supermajority).toBe(true);
    expect(other.body.supermajority).toBe(false);
    // 2 yes, 1 no: 66.7% passes an ordinary change (>= 50.01%) but not a governance change (< 66.67%).
    for (const [m, choice] of [[riders[0]!, 'yes'], [riders[1]!, 'yes'], [riders[2]!, 'no']] as const) {
      expect((await vote(m, gov.body.id, choice)).status).toBe(200);
      expect((await vote(m, other.body.id, choice)).status).toBe(200);
    }
    await endWindow(gov.body.id);
    await endWindow(other.body.id);
    const govClosed = await system.http('POST', `/v1/governance/proposals/${gov.body.id}/close`, { token: riders[0]!.token });
    expect(govClosed.body).toMatchObject({ status: 'rejected', tally: { supermajority: true, thresholdBasisPoints: 6667, thresholdMet: false } });
    const otherClosed = await system.http('POST', `/v1/governance/proposals/${other.body.id}/close`, { token: riders[0]!.token });
    expect(otherClosed.body).toMatchObject({ status: 'passed', activatedVersion: 3 });

    // A proposal built on version 3 and one built on version 3 that closes after the first passed: superseded.
    const p1 = await propose(riders[0]!, { title: 'p1', patch: { title: 'p1', payouts: { minimumAmount: 3000 } } });
    const p2 = await propose(riders[0]!, { title: 'p2', patch: { title: 'p2', payouts: { minimumAmount: 4000 } } });
    for (const m of [riders[0]!, riders[1]!, riders[2]!]) {
      await vote(m, p1.body.id, 'yes');
      await vote(m, p2.body.id, 'yes');
    }
    await endWindow(p1.body.id);
    await endWindow(p2.body.id);
    // The scheduled job's pass closes every due proposal in close order.
    await system.until(async () => (await system.sql(`SELECT 1 FROM governance_proposals WHERE status = 'open'`)).length === 0, 60_000, 500);
    const statuses = await system.sql<{ title: string; status: string }>(`SELECT title, status FROM governance_proposals WHERE title IN ('p1', 'p2') ORDER BY title`);
    expect(statuses.map((s) => s.status).sort()).toEqual(['passed', 'superseded']);
    expect((await system.sql(`SELECT count(*)::int AS n FROM policies`))[0]).toEqual({ n: 4 });
  });
});
