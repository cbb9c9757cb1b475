import fixture from './patronage-dividend.json';
import { allocatePatronage } from '../src/allocation';
import { moneyToJson } from '../src/money';
import { m } from './scenario-helpers';

describe('scenario patronage-dividend (see description in the fixture)', () => {
  const result = allocatePatronage({
    surplus: m(fixture.surplus),
    reserveBasisPoints: fixture.reserveBasisPoints,
    cashBasisPoints: fixture.cashBasisPoints,
    members: fixture.members.map((x) => ({ memberId: x.memberId, patronage: BigInt(x.patronage) })),
  });

  it('keeps the reserve share', () => {
    expect(moneyToJson(result.reserve)).toEqual(fixture.expectedReserve);
  });
  it('allocates, splits cash and retained as worked out by hand', () => {
    expect(
      result.members.map((x) => ({ memberId: x.memberId, allocation: Number(x.allocation.amount), cash: Number(x.cash.amount), retained: Number(x.retained.amount) })),
    ).toEqual(fixture.expectedMembers);
  });
  it('reserve and allocations sum to the surplus', () => {
    const allocated = fixture.expectedMembers.reduce((s, x) => s + x.allocation, 0);
    expect(fixture.expectedReserve.amount + allocated).toBe(fixture.surplus.amount);
  });
});
