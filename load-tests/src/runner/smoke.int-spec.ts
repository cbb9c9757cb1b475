import { ADMIN, TestSystem } from '../../../apps/server/test/system.harness';
import { createTestDatabase } from '@coop/testing';
import { BaselineServer, startBaselineServer } from '../baseline/baseline-server';
import { seedMembers } from '../seed/seed-members';
import { RunReport } from './report';
import { runLoad } from './run-load';
import { loadScenarios } from './scenario';
import { DriverClient } from '../sim';

jest.setTimeout(240_000);

// Both clients the driver bots can drive: the real socket.io-client (the default) and
// LeanSocket (what the 10,000-driver runs use), each against a system of its own.
describe.each<DriverClient>(['socket.io', 'lean'])('the smoke load scenario, driver bots on %s', (driverClient) => {
  let system: TestSystem;
  let baseline: BaselineServer;
  let dropFloor: () => Promise<void>;
  let report: RunReport;

  beforeAll(async () => {
    system = await TestSystem.start();
    const floor = await createTestDatabase();
    dropFloor = floor.drop;
    baseline = await startBaselineServer({ databaseUrl: floor.url });
    const smoke = loadScenarios().smoke;
    // Seeded members: 32 sign-ups and sign-ins over HTTP would cost the server 64 scrypt hashes
    // (minutes on a loaded machine); the demo city's test covers that path.
    const seeded = await seedMembers({ databaseUrl: system.config.DATABASE_URL, scenario: smoke.name, drivers: smoke.drivers, riders: smoke.riders });
    report = await runLoad(smoke, { url: system.url, seeded, driverClient, admin: ADMIN, baselineUrl: baseline.url, command: 'jest smoke.int-spec', say: () => undefined });
  });
  afterAll(async () => {
    await baseline?.close();
    await dropFloor?.();
    await system?.stop();
  });

  it('sends every scheduled request without an error, and every request gets an offer', () => {
    expect(report.counts.requestsScheduled).toBeGreaterThan(0);
    expect(report.counts.requestsSent).toBe(report.counts.requestsScheduled);
    expect(report.errorsByCode).toEqual({});
    expect(report.counts.errors).toBe(0);
    expect(report.counts.requestsWithoutOffer).toBe(0);
    expect(report.latencyMs.requestToOffer.count).toBe(report.counts.requestsSent);
  });

  it('loses no offer, leaves no trip stuck, and the drivers complete every trip', async () => {
    expect(report.counts.offersLost).toBe(0);
    expect(report.counts.stuck).toBe(0);
    expect(report.counts.completed).toBe(report.counts.requestsSent);
    const rows = await system.sql<{ status: string; n: string }>('SELECT status, count(*) AS n FROM trips GROUP BY status');
    expect(rows).toEqual([{ status: 'completed', n: String(report.counts.requestsSent) }]);
  });

  it('measures both baselines, alone and probed during the run, and the location fix acks', () => {
    expect(report.baselines!.echo.count).toBeGreaterThan(0);
    expect(report.baselines!.floor.count).toBeGreaterThan(0);
    expect(report.baselines!.errors).toBe(0);
    expect(report.probesDuringRun!.echo.count).toBeGreaterThan(0);
    expect(report.probesDuringRun!.floor.count).toBeGreaterThan(0);
    expect(report.probesDuringRun!.errors).toBe(0);
    expect(report.latencyMs.fixAck.count).toBeGreaterThan(0);
    expect(report.ratios!.requestToOfferOverFloorP50).toBeGreaterThan(0);
  });
});
