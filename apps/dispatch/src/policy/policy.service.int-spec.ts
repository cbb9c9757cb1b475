import { DataSource } from 'typeorm';
import { createDataSource } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import { defaultPolicy, policyHash } from '@coop/policy';
import { PolicyRepository } from './policy.repository';
import { PolicyService } from './policy.service';

jest.setTimeout(60_000);

/** Resolves with the promise's value, or with 'timed out' after `ms`. */
const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms).unref())]);

describe('PolicyService versions', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let service: PolicyService;

  beforeAll(async () => {
    const t = await createTestDatabase();
    drop = t.drop;
    // A pool of one connection: what a request holds while its leaf asks for a policy version.
    db = createDataSource({ url: t.url, poolSize: 1 });
    await db.initialize();
    const second = { ...defaultPolicy, title: 'Second policy' };
    await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity')`, [policyHash(defaultPolicy), defaultPolicy]);
    await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (2, $1, $2, now())`, [policyHash(second), second]);
    service = new PolicyService(new PolicyRepository(db));
    await service.onModuleInit();
  });
  afterAll(async () => {
    service?.onApplicationShutdown();
    await db?.destroy();
    await drop?.();
  });

  it('answers an older version while every pool connection is taken (no read through the pool)', async () => {
    expect(service.inForce().version).toBe(2);
    const held = db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    try {
      const older = await within(2_000, service.version(1));
      expect(older).not.toBe('timed out');
      expect(older).toMatchObject({ version: 1, hash: policyHash(defaultPolicy) });
    } finally {
      await held.rollbackTransaction();
      await held.release();
    }
  });

  it('picks up a version stored after boot at the next refresh', async () => {
    const third = { ...defaultPolicy, title: 'Third policy, effective tomorrow' };
    await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (3, $1, $2, now() + interval '1 day')`, [policyHash(third), third]);
    await service.refresh();
    const held = db.createQueryRunner();
    await held.connect();
    try {
      expect(await within(2_000, service.version(3))).toMatchObject({ version: 3 });
      expect(service.inForce().version).toBe(2);
    } finally {
      await held.release();
    }
  });
});
