import fixture from './fare-correction.json';
import { isMoneyError } from '../src/errors';
import { finalFare, quoteFare } from '../src/fares';
import type { FareRequest } from '../src/fares';
import { checkIdempotency, reverse } from '../src/journal';
import { moneyToJson } from '../src/money';
import { postTripCompleted } from '../src/posting-rules';
import { balancesJson, policyFrom, postingsJson } from './scenario-helpers';

describe('scenario fare-correction (see description in the fixture)', () => {
  const policy = policyFrom();
  const { riderId, driverId, policyHash } = fixture;
  const quote = quoteFare(policy, fixture.request as FareRequest);
  const wrongFare = finalFare(policy, quote, fixture.measured, { routeChanged: true });
  const rightFare = finalFare(policy, quote, fixture.measured, { routeChanged: false });
  const wrong = postTripCompleted({ id: 'trip:t9:completed', tripId: 't9', riderId, driverId, fare: wrongFare, policy, policyHash });
  const reversal = reverse(wrong, 'trip:t9:completed:reversal-1', 'route was not changed');
  const right = postTripCompleted({ id: 'trip:t9:completed:v2', tripId: 't9', riderId, driverId, fare: rightFare, policy, policyHash });

  it('the wrong entry and its reversal', () => {
    expect(moneyToJson(wrong.postings[0]!.amount)).toEqual(fixture.expectedWrongTotal);
    expect(postingsJson(reversal)).toEqual(fixture.expectedReversalPostings);
    expect(reversal.reverses).toBe(wrong.id);
  });
  it('nets to the corrected entry alone', () => {
    expect(balancesJson([wrong, reversal, right])).toEqual(fixture.expectedBalances);
    expect(balancesJson([right])).toEqual(fixture.expectedBalances);
  });
  it('refuses the corrected content under the original id', () => {
    const sameId = { ...right, id: wrong.id };
    try {
      checkIdempotency(wrong, sameId);
      throw new Error('accepted');
    } catch (e) {
      expect(isMoneyError(e, 'LEDGER.IDEMPOTENCY_CONFLICT')).toBe(true);
      expect((e as { details: { differs: string[] } }).details.differs).toEqual(['postings', 'metadata']);
    }
  });
});
