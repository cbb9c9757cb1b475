import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyLog } from '../../../tools/verify-log/verify-log';
import { ADMIN, TestSystem, area, near } from './system.harness';

jest.setTimeout(120_000);

/** The log survives a crash: same signing key after the boot, and the grown tree extends the one verified before. */
describe('the dispatch log across a crash', () => {
  let system: TestSystem;
  let dir: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    dir = await mkdtemp(join(tmpdir(), 'verify-log-restart-'));
  });
  afterAll(async () => {
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function decisionFor(n: number): Promise<void> {
    await system.onlineDriver(area(n));
    const { tripId } = await system.requestTrip(undefined, area(n), near(area(n)));
    await system.pendingOffer(tripId);
  }

  async function signedAll(): Promise<number> {
    const [{ size }] = await system.sql<{ size: string }>('SELECT size FROM log_head');
    await system.until(async () => (await system.http('GET', '/v1/audit/checkpoint')).body?.treeSize === Number(size), 15_000);
    return Number(size);
  }

  it('keeps the key and a consistent history through a crash and boot', async () => {
    const state = join(dir, 'state.json');
    await decisionFor(21);
    const before = await signedAll();
    const key = (await system.http('GET', '/v1/audit/public-key')).body;
    const admin = await system.token(ADMIN.email, ADMIN.password);
    expect((await verifyLog({ url: system.url, token: admin, statePath: state })).failures).toEqual([]);

    await system.crash();
    await system.boot();
    expect((await system.http('GET', '/v1/audit/public-key')).body).toEqual(key);
    await decisionFor(22);
    expect(await signedAll()).toBeGreaterThan(before);
    const after = await verifyLog({ url: system.url, token: admin, statePath: state });
    expect(after.failures).toEqual([]);
    expect(after.previousTreeSize).toBe(before);
    expect(after.replayedFull).toBe(2);
  });
});
