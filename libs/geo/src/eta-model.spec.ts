import { EtaModelParams, localHour, modelEtaSeconds } from './eta-model';
import { DEFAULT_SPEED_PROFILE, assertSpeedProfile } from './speed-profile';

const params: EtaModelParams = { detourPermille: 1300, pickupOverheadSeconds: 30, utcOffsetMinutes: -300, speedsKmh: DEFAULT_SPEED_PROFILE };

describe('ETA model', () => {
  it('computes the local hour at a fixed offset, also before 1970', () => {
    expect(localHour(Date.UTC(2026, 10, 23, 13, 30), -300)).toBe(8);
    expect(localHour(Date.UTC(2026, 10, 23, 2, 0), -300)).toBe(21);
    expect(localHour(-1, 0)).toBe(23);
  });

  it('is overhead + ceil(road metres / speed) with road = ceil(straight * detour)', () => {
    // 1000 m straight -> 1300 m road; bike 15 km/h = 1300 * 18 / 75 = 312 s
    expect(modelEtaSeconds(1000, 'bike', Date.UTC(2026, 10, 23, 17), params)).toBe(30 + 312);
    expect(modelEtaSeconds(0, 'car', 0, params)).toBe(30);
  });

  it('is slower at rush hour for cars', () => {
    const rush = modelEtaSeconds(3000, 'car', Date.UTC(2026, 10, 23, 13), params);
    const midday = modelEtaSeconds(3000, 'car', Date.UTC(2026, 10, 23, 17), params);
    expect(rush).toBeGreaterThan(midday);
  });

  it('validates speed profiles', () => {
    expect(() => assertSpeedProfile(DEFAULT_SPEED_PROFILE)).not.toThrow();
    expect(() => assertSpeedProfile({ ...DEFAULT_SPEED_PROFILE, bike: [15] })).toThrow();
  });
});
