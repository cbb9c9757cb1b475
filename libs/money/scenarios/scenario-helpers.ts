/**
 * Helpers for the money scenario specs: each scenario is a JSON fixture (inputs and the
 * expected figures worked out by hand, amounts in the API shape) and a spec that runs it.
 */
import type { FarePolicy } from '../src/fare-policy';
import { defaultFarePolicy, parseFarePolicy } from '../src/fare-policy';
import type { FareRequest } from '../src/fares';
import { fareBreakdownToJson, finalFare, quoteFare } from '../src/fares';
import type { JournalTransaction } from '../src/journal';
import { balances } from '../src/journal';
import type { Money, MoneyJson } from '../src/money';
import { moneyFromJson, moneyToJson } from '../src/money';
import { postTripCompleted } from '../src/posting-rules';

/** Deep-merges `overrides` onto the default policy and validates the result. */
export function policyFrom(overrides: Record<string, unknown> = {}): FarePolicy {
  const merge = (base: unknown, over: unknown): unknown => {
    if (typeof over !== 'object' || over === null || Array.isArray(over)) return over;
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
    return out;
  };
  return parseFarePolicy(merge(structuredClone(defaultFarePolicy), overrides));
}

/** Money from its JSON form. */
export function m(json: MoneyJson): Money {
  return moneyFromJson(json);
}

/** A transaction's postings in JSON form, for comparing with a fixture. */
export function postingsJson(tx: JournalTransaction): Array<{ accountId: string; amount: MoneyJson; pending?: boolean }> {
  return tx.postings.map((p) => ({ accountId: p.accountId, amount: moneyToJson(p.amount), ...(p.pending ? { pending: true } : {}) }));
}

/** Balances in JSON form (amounts as numbers), for comparing with a fixture. */
export function balancesJson(txs: JournalTransaction[]): Array<{ accountId: string; currency: string; posted: number; pending: number }> {
  return balances(txs).map((b) => ({ accountId: b.accountId, currency: b.currency, posted: Number(b.posted), pending: Number(b.pending) }));
}

/** A quote -> final fare -> split -> journal scenario. */
export interface TripFixture {
  description: string;
  policyOverrides?: Record<string, unknown>;
  policyHash: string;
  tripId: string;
  riderId: string;
  driverId: string;
  request: FareRequest;
  expectedQuote: Record<string, unknown>;
  measured: { distanceMeters: number; durationSeconds: number };
  routeChanged: boolean;
  expectedFinal: Record<string, unknown>;
  expectedSplit: { commission: MoneyJson; commonFund: MoneyJson; driver: MoneyJson };
  expectedPostings: Array<{ accountId: string; amount: MoneyJson }>;
}

/** Runs a trip fixture through quoteFare, finalFare and postTripCompleted and checks every figure. */
export function runTripScenario(fx: TripFixture): void {
  const policy = policyFrom(fx.policyOverrides);
  const quote = quoteFare(policy, fx.request);
  it('quotes the expected breakdown', () => {
    expect(fareBreakdownToJson(quote)).toMatchObject(fx.expectedQuote);
  });
  const fare = finalFare(policy, quote, fx.measured, { routeChanged: fx.routeChanged });
  it('fixes the expected final fare', () => {
    const json = {
      ...fareBreakdownToJson(fare),
      rule: fare.rule,
      quoteTotal: moneyToJson(fare.quoteTotal),
      cap: fare.cap && moneyToJson(fare.cap),
      overrunWaived: moneyToJson(fare.overrunWaived),
    };
    expect(json).toMatchObject(fx.expectedFinal);
  });
  const tx = postTripCompleted({ id: `trip:${fx.tripId}:completed`, tripId: fx.tripId, riderId: fx.riderId, driverId: fx.driverId, fare, policy, policyHash: fx.policyHash });
  it('splits the fare as expected, the parts summing to the fare', () => {
    expect(tx.metadata.split).toEqual(fx.expectedSplit);
    const s = fx.expectedSplit;
    expect(s.commission.amount + s.commonFund.amount + s.driver.amount).toBe(moneyToJson(fare.total).amount);
  });
  it('posts the expected balanced entry', () => {
    expect(postingsJson(tx)).toEqual(fx.expectedPostings);
    expect(tx.metadata).toMatchObject({ tripId: fx.tripId, policyHash: fx.policyHash });
  });
}
