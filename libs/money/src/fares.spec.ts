import fc from 'fast-check';
import type { FarePolicy, JobKind, VehicleKind } from './fare-policy';
import { JOB_KINDS, VEHICLE_KINDS, defaultFarePolicy, parseFarePolicy } from './fare-policy';
import {
  cancellationFee,
  checkTip,
  fareBreakdownFromJson,
  fareBreakdownToJson,
  fareParts,
  finalFare,
  finalFareFromJson,
  quoteFare,
  splitFare,
  splitCancellationFee,
} from './fares';
import { isMoneyError } from './errors';
import { money, sumMoney } from './money';
import { moneyTreeToJson } from './posting-rules';

const cad = (n: number | bigint) => money(n, 'CAD');

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isMoneyError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

const offered: Array<[JobKind, VehicleKind]> = JOB_KINDS.flatMap((j) =>
  VEHICLE_KINDS.filter((v) => defaultFarePolicy.rates[j][v] !== null).map((v) => [j, v] as [JobKind, VehicleKind]),
);

const band = fc
  .record({ fromHour: fc.integer({ min: 0, max: 23 }), len: fc.integer({ min: 1, max: 23 }), multiplierBasisPoints: fc.integer({ min: 1, max: 50_000 }) })
  .map(({ fromHour, len, multiplierBasisPoints }) => ({ fromHour, toHour: (fromHour + len) % 24 === 0 ? 24 : (fromHour + len) % 24, multiplierBasisPoints }));

/** Random valid policies: the default with random rates, commission, fund and one time-of-day band. */
const policyArb: fc.Arbitrary<FarePolicy> = fc
  .record({
    commission: fc.integer({ min: 0, max: 10_000 }),
    fund: fc.integer({ min: 0, max: 10_000 }),
    overrun: fc.integer({ min: 0, max: 100_000 }),
    bands: fc.option(band, { nil: undefined }),
    scale: fc.integer({ min: 0, max: 50 }),
    perKm: fc.integer({ min: 0, max: 100_000 }),
    perMinute: fc.integer({ min: 0, max: 100_000 }),
  })
  .map(({ commission, fund, overrun, bands, scale, perKm, perMinute }) => {
    const p = structuredClone(defaultFarePolicy) as FarePolicy;
    for (const [j, v] of offered) {
      const card = p.rates[j][v]!;
      p.rates[j][v] = { ...card, perKm, perMinute, minimumFare: card.minimumFare * scale };
    }
    p.commissionBasisPoints = commission;
    p.commonFundBasisPoints = Math.min(fund, 10_000 - commission);
    p.finalFare.maxOverrunBasisPoints = overrun;
    p.timeOfDay = bands ? [bands] : [];
    return parseFarePolicy(p);
  });

const requestArb = fc.record({
  service: fc.constantFrom(...offered),
  distanceMeters: fc.oneof(fc.integer({ min: 0, max: 500_000 }), fc.double({ min: 0, max: 500_000, noNaN: true })),
  durationSeconds: fc.oneof(fc.integer({ min: 0, max: 36_000 }), fc.double({ min: 0, max: 36_000, noNaN: true })),
  localHour: fc.integer({ min: 0, max: 23 }),
});

describe('defaultFarePolicy', () => {
  it('is a valid, JSON-round-trippable policy', () => {
    expect(parseFarePolicy(JSON.parse(JSON.stringify(defaultFarePolicy)))).toEqual(defaultFarePolicy);
  });
  it('rejects invalid policies with every issue', () => {
    const bad = { ...structuredClone(defaultFarePolicy), commissionBasisPoints: 9000, commonFundBasisPoints: 2000, currency: 'XXX' };
    expectCode(() => parseFarePolicy(bad), 'FARE.INVALID_POLICY');
    const overlap = { ...structuredClone(defaultFarePolicy), timeOfDay: [
      { fromHour: 22, toHour: 2, multiplierBasisPoints: 12_000 },
      { fromHour: 1, toHour: 3, multiplierBasisPoints: 11_000 },
    ] };
    expectCode(() => parseFarePolicy(overlap), 'FARE.INVALID_POLICY');
    expectCode(() => parseFarePolicy({ ...structuredClone(defaultFarePolicy), extra: 1 }), 'FARE.INVALID_POLICY');
    expectCode(() => parseFarePolicy({ ...structuredClone(defaultFarePolicy), commissionBasisPoints: 10.5 }), 'FARE.INVALID_POLICY');
  });
});

describe('quoteFare', () => {
  it('parts sum to the total, none negative, and the minimum holds', () => {
    fc.assert(
      fc.property(policyArb, requestArb, (policy, r) => {
        const [jobKind, vehicleKind] = r.service;
        const q = quoteFare(policy, { jobKind, vehicleKind, distanceMeters: r.distanceMeters, durationSeconds: r.durationSeconds, localHour: r.localHour });
        const parts = fareParts(q);
        for (const p of parts) expect(p.amount >= 0n).toBe(true);
        expect(sumMoney('CAD', parts)).toEqual(q.total);
        const card = policy.rates[jobKind][vehicleKind]!;
        expect(q.base.amount + q.distance.amount + q.time.amount + q.minimumTopUp.amount >= BigInt(card.minimumFare)).toBe(true);
        expect(fareBreakdownFromJson(JSON.parse(JSON.stringify(fareBreakdownToJson(q))))).toEqual(q);
      }),
    );
  });
  it('applies the time-of-day band of the local hour to the metered parts only', () => {
    const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), timeOfDay: [{ fromHour: 22, toHour: 4, multiplierBasisPoints: 12_500 }] });
    const req = { jobKind: 'ride' as const, vehicleKind: 'car' as const, distanceMeters: 10_000, durationSeconds: 900 };
    const day = quoteFare(policy, { ...req, localHour: 12 });
    const night = quoteFare(policy, { ...req, localHour: 23 });
    const early = quoteFare(policy, { ...req, localHour: 3 });
    expect(day.timeOfDayBasisPoints).toBe(10_000);
    expect(night.timeOfDayBasisPoints).toBe(12_500);
    expect(early).toEqual(night);
    // base 300, 10 km x 95 = 950, 15 min x 30 = 450, booking 150
    expect(day.total).toEqual(cad(300 + 950 + 450 + 150));
    expect(night.base).toEqual(cad(375));
    expect(night.distance).toEqual(cad(1188)); // 1187.5 -> 1188 (half to even)
    expect(night.time).toEqual(cad(562)); // 562.5 -> 562 (half to even)
    expect(night.bookingFee).toEqual(cad(150));
  });
  it('rejects services the policy does not offer and malformed requests', () => {
    expectCode(() => quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'bike', distanceMeters: 1, durationSeconds: 1, localHour: 0 }), 'FARE.SERVICE_NOT_OFFERED');
    expectCode(() => quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: -1, durationSeconds: 1, localHour: 0 }), 'FARE.INVALID_REQUEST');
    expectCode(() => quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 1, durationSeconds: Number.NaN, localHour: 0 }), 'FARE.INVALID_REQUEST');
    expectCode(() => quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 1, durationSeconds: 1, localHour: 24 }), 'FARE.INVALID_REQUEST');
    expectCode(() => quoteFare(defaultFarePolicy, { jobKind: 'boat' as JobKind, vehicleKind: 'car', distanceMeters: 1, durationSeconds: 1, localHour: 0 }), 'FARE.INVALID_REQUEST');
  });
  it('quantizes measures to whole metres and seconds, half to even', () => {
    const at = (distanceMeters: number) => quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters, durationSeconds: 0, localHour: 0 }).distanceMeters;
    expect([at(2.5), at(3.5), at(2.4999), at(2.5001)]).toEqual([2, 4, 2, 3]);
  });
});

describe('finalFare', () => {
  it('never exceeds quote + overrun unless the route changed; parts always sum to the total', () => {
    fc.assert(
      fc.property(policyArb, requestArb, requestArb, fc.boolean(), (policy, r, m, routeChanged) => {
        const [jobKind, vehicleKind] = r.service;
        const quote = quoteFare(policy, { jobKind, vehicleKind, distanceMeters: r.distanceMeters, durationSeconds: r.durationSeconds, localHour: r.localHour });
        const f = finalFare(policy, quote, m, { routeChanged });
        expect(sumMoney('CAD', fareParts(f))).toEqual(f.total);
        expect(f.overrunWaived.amount >= 0n).toBe(true);
        expect(f.timeOfDayBasisPoints).toBe(quote.timeOfDayBasisPoints);
        if (routeChanged) {
          expect(f.rule).toBe('route-changed');
          expect(f.cap).toBeNull();
          expect(f.overrunWaived.amount).toBe(0n);
        } else {
          expect(f.total.amount <= f.cap!.amount).toBe(true);
          expect(f.rule === 'capped').toBe(f.overrunWaived.amount > 0n);
          // the rider pays the metered fare or the cap, whichever is lower
          const metered = finalFare(policy, quote, m, { routeChanged: true }).total;
          expect(f.total.amount).toBe(metered.amount < f.cap!.amount ? metered.amount : f.cap!.amount);
        }
      }),
    );
  });
  it('uses the quote multiplier even if the trip ends in another band', () => {
    const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), timeOfDay: [{ fromHour: 0, toHour: 6, multiplierBasisPoints: 15_000 }] });
    const quote = quoteFare(policy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 5000, durationSeconds: 600, localHour: 5 });
    const f = finalFare(policy, quote, { distanceMeters: 5000, durationSeconds: 600 }, { routeChanged: false });
    expect(f.total).toEqual(quote.total);
    expect(f.rule).toBe('metered');
  });
});

describe('splitFare', () => {
  it('commission + common fund + driver = fare for all totals and rates, no negative part', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (total, c, f) => {
        const policy = { ...defaultFarePolicy, commissionBasisPoints: c, commonFundBasisPoints: Math.min(f, 10_000 - c) };
        const s = splitFare(policy, cad(total));
        expect(s.commission.amount + s.commonFund.amount + s.driver.amount).toBe(total);
        for (const p of [s.commission, s.commonFund, s.driver]) expect(p.amount >= 0n).toBe(true);
        // commission is within half a cent of the exact share
        const err = s.commission.amount * 20_000n - total * BigInt(c) * 2n;
        expect(err <= 10_000n && err >= -10_000n).toBe(true);
      }),
    );
  });
  it('rounds a half-cent commission to even', () => {
    expect(splitFare(defaultFarePolicy, cad(1005)).commission).toEqual(cad(100));
    expect(splitFare(defaultFarePolicy, cad(1015)).commission).toEqual(cad(102));
    expect(splitFare(defaultFarePolicy, cad(1015)).driver).toEqual(cad(913));
  });
});

describe('cancellationFee', () => {
  const base = { jobKind: 'ride' as const, vehicleKind: 'car' as const };
  it.each([
    ['rider', null, 0, 'not-matched'],
    ['rider', 0, 0, 'within-grace'],
    ['rider', 120, 0, 'within-grace'],
    ['rider', 121, 500, 'charged'],
    ['driver', 600, 0, 'not-rider'],
    ['system', 600, 0, 'not-rider'],
  ] as const)('%s cancelling %p s after the match pays %p (%s)', (cancelledBy, secondsSinceMatched, fee, reason) => {
    expect(cancellationFee(defaultFarePolicy, { ...base, cancelledBy, secondsSinceMatched })).toEqual({ fee: cad(fee), reason });
  });
  it('goes to the driver in full unless the policy applies the commission', () => {
    expect(splitCancellationFee(defaultFarePolicy, cad(500))).toEqual({ commission: cad(0), commonFund: cad(0), driver: cad(500) });
    const p = { ...defaultFarePolicy, cancellation: { graceSeconds: 120, commissionApplies: true } };
    expect(splitCancellationFee(p, cad(500))).toEqual({ commission: cad(50), commonFund: cad(0), driver: cad(450) });
  });
});

describe('checkTip', () => {
  const ok = { fareTotal: cad(2000), tip: cad(300), secondsSinceCompletion: 60 };
  it('accepts a tip inside the limits', () => {
    expect(checkTip(defaultFarePolicy, ok)).toEqual(cad(300));
  });
  it.each([
    [{ tip: cad(0) }, 'not-positive'],
    [{ tip: cad(10_001) }, 'above-max'],
    [{ tip: money(300, 'USD') }, 'currency'],
    [{ secondsSinceCompletion: 7 * 24 * 3600 + 1 }, 'window-closed'],
  ])('rejects %p (%s)', (change, reason) => {
    try {
      checkTip(defaultFarePolicy, { ...ok, ...change });
      throw new Error('accepted');
    } catch (e) {
      expect(isMoneyError(e, 'FARE.TIP_REJECTED')).toBe(true);
      expect((e as { details: { reason: string } }).details.reason).toBe(reason);
    }
  });
  it('compares the share-of-fare limit exactly', () => {
    const p = { ...defaultFarePolicy, tips: { ...defaultFarePolicy.tips, maxBasisPointsOfFare: 2500 } };
    expect(checkTip(p, { ...ok, fareTotal: cad(1001), tip: cad(250) })).toEqual(cad(250));
    expect(() => checkTip(p, { ...ok, fareTotal: cad(999), tip: cad(250) })).toThrow();
  });
});

describe('finalFareFromJson', () => {
  it('round-trips every final fare through its JSON form (the trip.completed event)', () => {
    fc.assert(
      fc.property(policyArb, requestArb, requestArb, fc.boolean(), (policy, r, m, routeChanged) => {
        const [jobKind, vehicleKind] = r.service;
        const quote = quoteFare(policy, { jobKind, vehicleKind, distanceMeters: r.distanceMeters, durationSeconds: r.durationSeconds, localHour: r.localHour });
        const f = finalFare(policy, quote, m, { routeChanged });
        expect(finalFareFromJson(JSON.parse(JSON.stringify(moneyTreeToJson(f))))).toEqual(f);
      }),
    );
  });

  it('refuses a fare whose parts do not sum, whose rule disagrees with its cap, or with mixed currencies', () => {
    const quote = quoteFare(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 4000, durationSeconds: 600, localHour: 12 });
    const capped = moneyTreeToJson(finalFare(defaultFarePolicy, quote, { distanceMeters: 40_000, durationSeconds: 6000 }, { routeChanged: false })) as Record<string, any>;
    expect(capped.rule).toBe('capped');
    expectCode(() => finalFareFromJson({ ...capped, total: { ...capped.total, amount: capped.total.amount + 1 } }), 'FARE.INVALID_REQUEST');
    expectCode(() => finalFareFromJson({ ...capped, rule: 'metered' }), 'FARE.INVALID_REQUEST');
    expectCode(() => finalFareFromJson({ ...capped, rule: 'surge' }), 'FARE.INVALID_REQUEST');
    expectCode(() => finalFareFromJson({ ...capped, cap: null, rule: 'route-changed' }), 'FARE.INVALID_REQUEST');
    expectCode(() => finalFareFromJson({ ...capped, bookingFee: { amount: capped.bookingFee.amount, currency: 'USD' } }), 'MONEY.CURRENCY_MISMATCH');
    expectCode(() => finalFareFromJson({ ...capped, total: 12.5 }), 'MONEY.INVALID_AMOUNT');
  });
});
