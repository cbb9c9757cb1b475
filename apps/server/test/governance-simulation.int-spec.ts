import { PolicyDocument } from '@coop/policy';
import { compareProposal } from '@coop/simulation';
import { ProposalSimulationJob } from '../../payouts/src/governance/proposal-simulation.job';
import { ProposalSimulator } from '../../payouts/src/governance/proposal-simulator.service';
import { TestSystem } from './system.harness';

jest.setTimeout(180_000);

type Member = { memberId: string; token: string };

/**
 * Every proposal gets a simulation report from a BullMQ job: the policy simulator on the
 * version the proposal was built on and on the proposed document, stored once, served at
 * GET /v1/governance/proposals/:id/simulation. The job's crashes are made by throwing from
 * the simulator inside the real worker (PostgreSQL and Redis are real).
 */
describe('proposal simulation reports', () => {
  let system: TestSystem;
  let rider: Member;
  let simulator: ProposalSimulator;

  const propose = async (title: string, patch: object): Promise<{ id: string; document: PolicyDocument; hash: string }> => {
    const res = await system.http('POST', '/v1/governance/proposals', { token: rider.token, body: { title, patch } });
    expect(res.status).toBe(201);
    return res.body;
  };
  const simulation = (id: string) => system.http('GET', `/v1/governance/proposals/${id}/simulation`, { token: rider.token });
  /** Polls until the simulation leaves `pending` (the job runs in the background). */
  const settled = async (id: string) => {
    for (const started = Date.now(); Date.now() - started < 90_000; ) {
      const res = await simulation(id);
      expect(res.status).toBe(200);
      if (res.body.status !== 'pending') return res.body;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`simulation of ${id} still pending`);
  };

  beforeAll(async () => {
    system = await TestSystem.start();
    rider = await system.member('rider');
    simulator = system.nest.get(ProposalSimulator);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await system.stop();
  });

  it('a matching change: pending at first, then both policies side by side, as anyone rerunning the simulator finds', async () => {
    const inForce = (await system.http('GET', '/v1/policy', { token: rider.token })).body as { version: number; hash: string; document: PolicyDocument };
    const proposal = await propose('Fairer offers', { matching: { weights: { fairness: inForce.document.matching.weights.fairness + 10 } } });
    const first = await simulation(proposal.id);
    expect(['pending', 'ready']).toContain(first.body.status);

    const done = await settled(proposal.id);
    expect(done).toMatchObject({ proposalId: proposal.id, status: 'ready', attempts: 1, error: null });
    const { report } = done;
    expect(report.inForce).toMatchObject({ version: inForce.version, hash: inForce.hash });
    expect(report.proposed.hash).toBe(proposal.hash);
    expect(report.affected).toBe(true);
    const again = compareProposal(inForce.document, proposal.document);
    expect(report.inForce.figures).toEqual(again.inForce);
    expect(report.proposed.figures).toEqual(again.proposed);
    expect(report.differences).toEqual(again.differences);
    expect(report.inForce.figures.served).toBeGreaterThan(0);
  });

  it('a change the simulator does not model (the payout schedule) is reported as not affected, figures equal', async () => {
    const proposal = await propose('Monthly payouts', { payouts: { schedule: 'monthly', day: 1 } });
    const { report } = await settled(proposal.id);
    expect(report.affected).toBe(false);
    expect(report.proposed.figures).toEqual(report.inForce.figures);
    expect(Object.values(report.differences).every((d) => d === 0)).toBe(true);
  });

  it('a job that crashes is retried and its report stored once', async () => {
    const compare = jest.spyOn(simulator, 'compare').mockImplementationOnce(() => {
      throw new Error('worker crashed mid-simulation');
    });
    const proposal = await propose('Shorter offers', { matching: { offerTimeoutSeconds: 15 } });
    const done = await settled(proposal.id);
    expect(done).toMatchObject({ status: 'ready', attempts: 2 });
    expect(compare).toHaveBeenCalledTimes(2);

    // The same job again (a duplicate delivery, or the sweep): nothing is recomputed or overwritten.
    expect(await simulator.run(proposal.id)).toBe('done');
    await system.nest.get(ProposalSimulationJob).enqueue(proposal.id);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await simulation(proposal.id);
    expect(after.body.report).toEqual(done.report);
    expect(after.body.finishedAt).toBe(done.finishedAt);
    expect(await system.sql(`SELECT count(*)::int AS n FROM governance_simulations WHERE proposal_id = $1`, [proposal.id])).toEqual([{ n: 1 }]);
  });

  it('a proposal whose job never reached the queue is simulated by the sweep', async () => {
    const jobs = system.nest.get(ProposalSimulationJob);
    jest.spyOn(jobs, 'enqueue').mockRejectedValueOnce(new Error('Redis refused the job'));
    const proposal = await propose('Longer offers', { matching: { offerTimeoutSeconds: 30 } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await simulation(proposal.id)).body).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await jobs.sweep()).toBeGreaterThanOrEqual(1);
    expect(await settled(proposal.id)).toMatchObject({ status: 'ready', attempts: 1 });
  });

  it('after the last attempt fails, the simulation says failed, with the error', async () => {
    jest.spyOn(simulator, 'compare').mockImplementation(() => {
      throw new Error('the simulator is broken');
    });
    const proposal = await propose('Batch mode', { matching: { mode: 'batch' } });
    const done = await settled(proposal.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 3, error: 'the simulator is broken', report: null });
  });

  it('refuses a bad id (400) and an unknown proposal (404)', async () => {
    expect((await system.http('GET', '/v1/governance/proposals/nope/simulation', { token: rider.token })).status).toBe(400);
    const unknown = await system.http('GET', '/v1/governance/proposals/00000000-0000-4000-8000-000000000000/simulation', { token: rider.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PROPOSAL_NOT_FOUND');
  });
});
