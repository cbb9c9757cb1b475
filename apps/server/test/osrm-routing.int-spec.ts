import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replayMatches } from '@coop/matching';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/**
 * With OSRM_URL set, dispatch asks the router's table service for road ETAs from the found
 * drivers to the pickup, and the decision records and uses them. The router here is a small
 * HTTP server speaking OSRM's table API: the nearest driver is across a river (slow by road).
 */
describe('road ETAs from an OSRM router', () => {
  let system: TestSystem;
  let osrm: Server;
  const requests: string[] = [];
  /** Seconds by road from each origin, keyed by its "lng,lat" as dispatch sends it. */
  const roadSeconds = new Map<string, number>();

  beforeAll(async () => {
    osrm = createServer((req, res) => {
      requests.push(req.url ?? '');
      const match = /^\/table\/v1\/driving\/([^?]+)\?sources=([\d;]+)&destinations=(\d+)&annotations=duration$/.exec(req.url ?? '');
      if (!match) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'InvalidUrl' }));
        return;
      }
      const coords = match[1].split(';');
      const sources = match[2].split(';').map(Number);
      const durations = sources.map((i) => [roadSeconds.get(coords[i]) ?? null]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Ok', durations }));
    });
    await new Promise<void>((resolve) => osrm.listen(0, '127.0.0.1', resolve));
    system = await TestSystem.start({ OSRM_URL: `http://127.0.0.1:${(osrm.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await system?.stop();
    await new Promise((resolve) => osrm?.close(resolve));
  });

  const key = (p: { lat: number; lng: number }) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`;

  it('offers the trip to the driver who is quicker by road, and logs the routed ETAs it used', async () => {
    const pickup = area(1);
    const acrossTheRiver = { lat: pickup.lat + 0.002, lng: pickup.lng };
    const downTheRoad = { lat: pickup.lat + 0.012, lng: pickup.lng };
    roadSeconds.set(key(acrossTheRiver), 1500);
    roadSeconds.set(key(downTheRoad), 90);
    const near_ = await system.onlineDriver(acrossTheRiver);
    const far = await system.onlineDriver(downTheRoad);

    const { tripId } = await system.requestTrip(undefined, pickup, near(pickup));
    const offer = await system.pendingOffer(tripId);
    expect(offer.driverId).toBe(far.memberId);
    expect(requests.some((url) => url.includes(key(acrossTheRiver)) && url.includes(key(downTheRoad)))).toBe(true);

    const [row] = await system.sql<{ index: string }>('SELECT decision_index AS index FROM offers WHERE id = $1', [offer.id]);
    const record = await system.replayableDecision(Number(row.index));
    if (record.mode !== 'immediate') throw new Error('expected an immediate decision');
    expect(record.routedEtas).toEqual(
      expect.arrayContaining([
        { driverId: near_.memberId, etaSeconds: 1500 },
        { driverId: far.memberId, etaSeconds: 90 },
      ]),
    );
    // Replay needs no router: the ETAs are inputs in the record.
    expect(replayMatches(record)).toBe(true);
  });

  it('gives batch mode the same road ETAs', async () => {
    await system.useMatchingPolicy({ mode: 'batch', batchWindowMs: 500 });
    const pickup = area(3);
    const acrossTheRiver = { lat: pickup.lat + 0.002, lng: pickup.lng };
    const downTheRoad = { lat: pickup.lat + 0.012, lng: pickup.lng };
    roadSeconds.set(key(acrossTheRiver), 1500);
    roadSeconds.set(key(downTheRoad), 90);
    await system.onlineDriver(acrossTheRiver);
    const far = await system.onlineDriver(downTheRoad);
    const { tripId } = await system.requestTrip(undefined, pickup, near(pickup));
    const offer = await system.pendingOffer(tripId, 1, 15_000);
    expect(offer.driverId).toBe(far.memberId);
    const [row] = await system.sql<{ index: string }>('SELECT decision_index AS index FROM offers WHERE id = $1', [offer.id]);
    const record = await system.replayableDecision(Number(row.index));
    if (record.mode !== 'batch') throw new Error('expected a batch decision');
    expect(record.requests.find((r) => r.request.requestId === tripId)?.routedEtas).toEqual(
      expect.arrayContaining([{ driverId: far.memberId, etaSeconds: 90 }]),
    );
    expect(replayMatches(record)).toBe(true);
    await system.useMatchingPolicy({ mode: 'immediate' });
  });

  it('falls back to the ETA model when the router cannot answer', async () => {
    const pickup = area(2);
    roadSeconds.clear(); // every pair unroutable: nulls
    const nearest = await system.onlineDriver({ lat: pickup.lat + 0.002, lng: pickup.lng });
    await system.onlineDriver({ lat: pickup.lat + 0.02, lng: pickup.lng });
    const { tripId } = await system.requestTrip(undefined, pickup, near(pickup));
    expect((await system.pendingOffer(tripId)).driverId).toBe(nearest.memberId);
  });
});
