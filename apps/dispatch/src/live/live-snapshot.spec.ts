import { latLngToCell } from 'h3-js';
import { liveSnapshot, median } from './live-snapshot';

describe('live snapshot', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const a = { lat: 45.5017, lng: -73.5673 };
  const b = { lat: 45.3017, lng: -73.5673 };

  it('counts free and busy drivers and open requests per public cell, with no position finer than the cell', () => {
    const snap = liveSnapshot(
      [{ ...a, free: true }, { lat: a.lat + 0.0005, lng: a.lng, free: false }, { ...b, free: true }],
      [{ ...a, requestedAtMs: now - 30_000 }, { ...a, requestedAtMs: now - 90_000 }, { ...b, requestedAtMs: now - 10_000 }],
      7,
      now,
    );
    const cellA = latLngToCell(a.lat, a.lng, 7);
    const cellB = latLngToCell(b.lat, b.lng, 7);
    expect(snap).toEqual({
      at: '2026-11-23T12:00:00.000Z',
      h3Resolution: 7,
      onlineDrivers: 3,
      freeDrivers: 2,
      openRequests: 3,
      medianWaitSeconds: 30,
      cells: [
        { cell: cellA, freeDrivers: 1, busyDrivers: 1, openRequests: 2 },
        { cell: cellB, freeDrivers: 1, busyDrivers: 0, openRequests: 1 },
      ].sort((x, y) => (x.cell < y.cell ? -1 : 1)),
    });
    expect(JSON.stringify(snap)).not.toContain('45.5');
  });

  it('says nobody waits when no request is open', () => {
    expect(liveSnapshot([], [], 7, now)).toMatchObject({ onlineDrivers: 0, openRequests: 0, medianWaitSeconds: null, cells: [] });
  });

  it('takes the median of whole seconds, rounding an even count down', () => {
    expect([median([]), median([5]), median([3, 1, 2]), median([1, 2]), median([4, 1, 3, 2])]).toEqual([null, 5, 2, 1, 2]);
  });
});
