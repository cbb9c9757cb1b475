import { parseFixLines, parsePresenceMessage } from './presence.store';

describe('parsePresenceMessage', () => {
  it('reads the fix line the fix script publishes', () => {
    expect(parsePresenceMessage('fix d1 45.501 -73.567 1765072800000')).toEqual({ fix: true, driverId: 'd1', lat: 45.501, lng: -73.567, fixAtMs: 1765072800000 });
  });

  it('reads the lines of several fixes published together', () => {
    expect(parseFixLines('fix d1 45.5 -73.5 10\nfix d2 45.6 -73.6 11')).toEqual([
      { fix: true, driverId: 'd1', lat: 45.5, lng: -73.5, fixAtMs: 10 },
      { fix: true, driverId: 'd2', lat: 45.6, lng: -73.6, fixAtMs: 11 },
    ]);
  });

  it('reads a whole state (cjson of HGETALL) and a removal', () => {
    const state = ['driverId', 'd1', 'lat', '45.5', 'lng', '-73.5', 'fixAtMs', '10', 'vehicleKind', 'car', 'seats', '4', 'accessible', '0', 'availability', 'free'];
    expect(parsePresenceMessage(JSON.stringify(state))).toMatchObject({ removed: false, presence: { driverId: 'd1', lat: 45.5, lng: -73.5, fixAtMs: 10, availability: 'free' } });
    expect(parsePresenceMessage(JSON.stringify(['driverId', 'd1', 'removed', '1']))).toEqual({ removed: true, driverId: 'd1' });
    // Online without a fix yet: nothing for the views.
    expect(parsePresenceMessage(JSON.stringify(['driverId', 'd1', 'vehicleKind', 'car']))).toBeUndefined();
  });
});
