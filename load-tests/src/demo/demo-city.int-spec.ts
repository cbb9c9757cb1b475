import { ADMIN, CITY, TestSystem } from '../../../apps/server/test/system.harness';
import { DemoCity, demoDefaults, startDemoCity } from './city';

jest.setTimeout(180_000);

describe('the demo city', () => {
  let system: TestSystem;
  let city: DemoCity | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    city?.stop();
    await system.stop();
  });

  it('serves trips end to end against the running system, and says so line by line', async () => {
    city = await startDemoCity({
      ...demoDefaults,
      url: system.url,
      admin: ADMIN,
      drivers: 4,
      riders: 3,
      requestEveryMs: 500,
      timeScale: 40,
      centre: CITY,
      radiusM: 1_500,
      write: (line) => lines.push(line),
    });

    const completed = () =>
      system.sql<{ id: string; driver_id: string | null; final_fare_amount: number | null }>(
        `SELECT id, driver_id, final_fare_amount FROM trips WHERE status = 'completed'`,
      );
    await system.until(async () => (await completed()).length >= 2, 90_000, 500);
    city.stop();
    city = undefined;

    const trips = await completed();
    for (const trip of trips) {
      expect(trip.driver_id).not.toBeNull();
      expect(Number(trip.final_fare_amount)).toBeGreaterThan(0);
      expect(await system.tripEvents(trip.id)).toEqual(
        expect.arrayContaining(['requested', 'offer_made', 'offer_accepted', 'driver_arrived', 'trip_started', 'trip_completed']),
      );
    }
    const approved = await system.sql<{ n: string }>(
      `SELECT count(*) AS n FROM members WHERE role = 'driver' AND approved_at IS NOT NULL AND email LIKE 'demo-%'`,
    );
    expect(Number(approved[0].n)).toBe(4);
    expect(lines.some((l) => /rider r\d requested trip/.test(l))).toBe(true);
    expect(lines.some((l) => /offered to driver d\d \(\d+(\.\d)? k?m from pickup/.test(l))).toBe(true);
    expect(lines.some((l) => /completed by driver d\d: .* fare \d+\.\d\d CAD/.test(l))).toBe(true);
    expect(lines.filter((l) => /refused|could not request/.test(l))).toEqual([]);
  });
});
