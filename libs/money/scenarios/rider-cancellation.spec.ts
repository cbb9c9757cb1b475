import fixture from './rider-cancellation.json';
import { cancellationFee } from '../src/fares';
import { moneyToJson } from '../src/money';
import { postTripCancelled } from '../src/posting-rules';
import type { CancelledBy } from '../src/fares';
import { policyFrom, postingsJson } from './scenario-helpers';

describe('scenario rider-cancellation (see description in the fixture)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const policy = policyFrom('policyOverrides' in c ? c.policyOverrides : {});
    const charge = cancellationFee(policy, {
      jobKind: 'ride',
      vehicleKind: 'car',
      cancelledBy: c.cancelledBy as CancelledBy,
      secondsSinceMatched: c.secondsSinceMatched,
    });
    expect(moneyToJson(charge.fee)).toEqual(c.expectedFee);
    expect(charge.reason).toBe(c.expectedReason);
    const tx = postTripCancelled({ id: 'trip:t1:cancelled', tripId: 't1', riderId: 'rider-1', driverId: 'driver-1', charge, policy, policyHash: fixture.policyHash });
    expect(tx && postingsJson(tx)).toEqual(c.expectedPostings);
  });
});
