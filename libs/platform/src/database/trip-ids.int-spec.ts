import { createTestDatabase, tripId } from '@coop/testing';
import { createDataSource } from './data-source';
import { TripIdsInTimeOrder1763900000864 } from './migrations/1763900000864-trip-ids-in-time-order';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The 48-bit millisecond time at the front of a v7 id. */
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('trip ids in time order (migration 1763900000864)', () => {
  it('uuid_v7() makes version-7 ids carrying the time of the call, in order across milliseconds; trips get them by default; down restores v4', async () => {
    const database = await createTestDatabase();
    const db = createDataSource({ url: database.url });
    await db.initialize();
    try {
      const before = Date.now();
      const ids: string[] = (await db.query(`SELECT uuid_v7()::text AS id FROM generate_series(1, 200)`)).map((r: { id: string }) => r.id);
      const after = Date.now();
      for (const id of ids) {
        expect(id).toMatch(V7);
        expect(millisOf(id)).toBeGreaterThanOrEqual(before - 5);
        expect(millisOf(id)).toBeLessThanOrEqual(after + 5);
      }
      expect(new Set(ids).size).toBe(ids.length);
      // Two milliseconds apart, the later id sorts after the earlier one (as text and as uuid).
      const [{ earlier, later, ordered }] = await db.query(
        `SELECT a::text AS earlier, b::text AS later, a < b AS ordered FROM (SELECT uuid_v7() AS a) x, LATERAL (SELECT pg_sleep(0.002), uuid_v7() AS b) y`,
      );
      expect(ordered).toBe(true);
      expect(earlier < later).toBe(true);

      const [{ column_default }] = await db.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'trips' AND column_name = 'id'`);
      expect(column_default).toBe('uuid_v7()');
      const runner = db.createQueryRunner();
      try {
        await new TripIdsInTimeOrder1763900000864().down(runner);
        const [{ column_default: restored }] = await db.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'trips' AND column_name = 'id'`);
        expect(restored).toBe('gen_random_uuid()');
        await new TripIdsInTimeOrder1763900000864().up(runner);
      } finally {
        await runner.release();
      }
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('the fixtures make the same ids as the database: version 7, the given time first', () => {
    const at = Date.UTC(2026, 11, 7, 10, 0, 0, 123);
    const ids = Array.from({ length: 100 }, () => tripId(at));
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(millisOf(id)).toBe(at);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(tripId(at) < tripId(at + 1)).toBe(true);
  });
});
