import fc from 'fast-check';
import { DomainError } from '@coop/platform';
import { RequestOutcomeRow, requestOutcome } from './trip-request';

const tripRow = (id: string) => ({
  id, quote_id: 'q', rider_id: 'r', kind: 'ride', vehicle_kind: 'car', pickup_lat: 45.5, pickup_lng: -73.5,
  dropoff_lat: 45.52, dropoff_lng: -73.58, status: 'requested', driver_id: null, fare_amount: '1234', currency: 'CAD',
  policy_version: 1, policy_hash: 'h', offer_count: 0, final_fare_amount: null, distance_m: null, duration_s: null,
  requested_at: new Date(0), updated_at: new Date(0),
}) as const;

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return undefined;
};

describe('requestOutcome (the one-statement trip request\'s answer)', () => {
  it('no row: the quote does not exist or is another rider\'s, QUOTE_NOT_FOUND', () => {
    expect(codeOf(() => requestOutcome([]))).toBe('QUOTE_NOT_FOUND');
  });

  it('expired: QUOTE_EXPIRED', () => {
    expect(codeOf(() => requestOutcome([{ ...tripRow(null as unknown as string), outcome: 'expired' } as RequestOutcomeRow]))).toBe('QUOTE_EXPIRED');
  });

  it('created or existing: the trip\'s row without the outcome column, and whether it is new', () => {
    fc.assert(fc.property(fc.uuid(), fc.constantFrom<'created' | 'existing'>('created', 'existing'), (id, outcome) => {
      const { created, row } = requestOutcome([{ ...tripRow(id), outcome } as RequestOutcomeRow]);
      expect(created).toBe(outcome === 'created');
      expect(row).toEqual(tripRow(id));
      expect(row).not.toHaveProperty('outcome');
    }));
  });

  it('more than one row is a broken statement, not a rider\'s refusal', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom<'created' | 'existing' | 'expired'>('created', 'existing', 'expired'), { minLength: 2, maxLength: 4 }), (outcomes) => {
      const rows = outcomes.map((outcome, i) => ({ ...tripRow(String(i)), outcome }) as RequestOutcomeRow);
      expect(codeOf(() => requestOutcome(rows))).toBe('other');
    }));
  });
});
