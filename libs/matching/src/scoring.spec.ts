import { fairnessPoints, fixFreshnessPoints, idlePoints, maxScore, medianEarningsPerHour, pickupEtaPoints, termPoints, vehicleFitPoints, weightedScore } from './scoring';
import { defaultMatchingPolicy } from './matching-policy';
import { DriverSnapshot } from './driver-state';

const n = defaultMatchingPolicy.normalization;

describe('scoring terms', () => {
  it('pickupEta: full at 0 s, linear, 0 at and beyond the cap', () => {
    expect(pickupEtaPoints(0, 1200)).toBe(10_000);
    expect(pickupEtaPoints(600, 1200)).toBe(5000);
    expect(pickupEtaPoints(1, 1200)).toBe(9991); // floor(1199 * 10000 / 1200)
    expect(pickupEtaPoints(1200, 1200)).toBe(0);
    expect(pickupEtaPoints(5000, 1200)).toBe(0);
  });

  it('idle: 0 when just freed, full at the cap and beyond', () => {
    expect(idlePoints(0, 3600)).toBe(0);
    expect(idlePoints(900, 3600)).toBe(2500);
    expect(idlePoints(3600, 3600)).toBe(10_000);
    expect(idlePoints(99_999, 3600)).toBe(10_000);
  });

  it('fairness: shortfall below the median in basis points, never negative, null is neutral', () => {
    expect(fairnessPoints(10_000, 10_000)).toBe(0);
    expect(fairnessPoints(7500, 10_000)).toBe(2500);
    expect(fairnessPoints(0, 10_000)).toBe(10_000);
    expect(fairnessPoints(15_000, 10_000)).toBe(0);
    expect(fairnessPoints(null, 10_000)).toBe(0);
    expect(fairnessPoints(100, 0)).toBe(0);
    expect(fairnessPoints(-500, 1000)).toBe(10_000);
  });

  it('fixFreshness: full for a fix 0 s old, 0 at the stale limit', () => {
    expect(fixFreshnessPoints(0, 45)).toBe(10_000);
    expect(fixFreshnessPoints(45, 45)).toBe(0);
    expect(fixFreshnessPoints(9, 45)).toBe(8000);
  });

  it('vehicleFit: penalizes unneeded accessibility and surplus seats, floors at 0', () => {
    expect(vehicleFitPoints(0, false, n)).toBe(10_000);
    expect(vehicleFitPoints(0, true, n)).toBe(10_000 - n.accessibleReservePenalty);
    expect(vehicleFitPoints(2, false, n)).toBe(10_000 - 2 * n.excessSeatPenalty);
    expect(vehicleFitPoints(50, true, n)).toBe(0);
  });

  it('the score is the integer weighted sum of the terms and never exceeds maxScore', () => {
    const f = { distanceM: 0, etaSeconds: 0, etaSource: 'model' as const, idleSeconds: 99_999, fixAgeSeconds: 0, earningsPerHourMinor: 0, excessSeats: 0, accessibleUnneeded: false };
    const pts = termPoints(f, defaultMatchingPolicy, { medianEarningsPerHourMinor: 5000 });
    expect(weightedScore(pts, defaultMatchingPolicy)).toBe(maxScore(defaultMatchingPolicy));
    expect(Number.isSafeInteger(weightedScore(pts, defaultMatchingPolicy))).toBe(true);
  });

  it('has no input about declined or expired offers', () => {
    // The features type is the only input of the terms; it carries no offer history.
    const f = { distanceM: 1, etaSeconds: 100, etaSource: 'model' as const, idleSeconds: 5, fixAgeSeconds: 1, earningsPerHourMinor: null, excessSeats: 0, accessibleUnneeded: false };
    expect(Object.keys(f).some((k) => /declin|reject|expire|accept/i.test(k))).toBe(false);
  });
});

describe('medianEarningsPerHour', () => {
  const d = (earnedMinor: number, onlineSeconds: number): DriverSnapshot => ({
    driverId: String(earnedMinor), status: 'free', vehicle: { kind: 'car', seats: 4, accessible: false },
    position: { latE6: 0, lngE6: 0 }, fixAtMs: 0, idleSinceMs: 0, earnedMinor, onlineSeconds,
  });
  it('takes the middle rate, floors the mean of the two middles, skips short sessions', () => {
    expect(medianEarningsPerHour([d(1000, 3600), d(3000, 3600), d(2000, 3600)], 3600)).toBe(2000);
    expect(medianEarningsPerHour([d(1000, 3600), d(2001, 3600)], 3600)).toBe(1500);
    expect(medianEarningsPerHour([d(9999, 60)], 3600)).toBe(0);
  });
});
