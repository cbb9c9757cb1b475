import fc from 'fast-check';
import { accountId, parseAccountId } from './accounts';
import type { AccountRef } from './accounts';
import { isMoneyError } from './errors';

/**
 * parseAccountId as it was written before it compared in place (split on colons, keys looked
 * up in objects, one regular expression): the reference the faster one must agree with.
 */
function parseAccountIdBySplitting(id: string): AccountRef {
  const fixed: Record<string, AccountRef> = {
    'payments:clearing': { kind: 'payment-clearing' },
    'payouts:clearing': { kind: 'payout-clearing' },
    'coop:commission': { kind: 'coop-commission' },
    'coop:common-fund': { kind: 'coop-common-fund' },
    'coop:refunds': { kind: 'coop-refunds' },
    'coop:reserve': { kind: 'coop-reserve' },
  };
  const perMember: Record<string, AccountRef['kind']> = {
    'rider:receivable': 'rider-receivable',
    'driver:payable': 'driver-payable',
    'driver:tips-payable': 'driver-tips-payable',
    'member:capital': 'member-capital',
    'member:dividend-payable': 'member-dividend-payable',
  };
  if (Object.hasOwn(fixed, id)) return fixed[id]!;
  const parts = typeof id === 'string' ? id.split(':') : [];
  if (parts.length === 3) {
    const [owner, memberId, purpose] = parts as [string, string, string];
    const kind = Object.hasOwn(perMember, `${owner}:${purpose}`) ? perMember[`${owner}:${purpose}`] : undefined;
    if (kind && /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(memberId)) return { kind, memberId } as AccountRef;
  }
  throw new Error('not an account id');
}

/** The parsed account, or 'refused' when it throws LEDGER.INVALID_ACCOUNT. */
function outcome(parse: (id: string) => AccountRef, id: string): AccountRef | 'refused' {
  try {
    return parse(id);
  } catch (error) {
    if (isMoneyError(error) && error.code !== 'LEDGER.INVALID_ACCOUNT') throw error;
    return 'refused';
  }
}

// Ids near the scheme: its owners, purposes and fixed names (and near misses), member ids of
// every length around the limit, characters it allows and some it does not, colons anywhere.
const owner = fc.constantFrom('rider', 'driver', 'member', 'coop', 'payments', 'Rider', 'rider ', '');
const purpose = fc.constantFrom('receivable', 'payable', 'tips-payable', 'capital', 'dividend-payable', 'clearing', 'commission', 'payable ', '');
const memberId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,130}$/),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '_', '-', ':', ' ', '\n', '/', 'é', '\u0000'), maxLength: 12 }),
  fc.string({ maxLength: 8 }),
);
const fixedName = fc.constantFrom('payments:clearing', 'payouts:clearing', 'coop:commission', 'coop:common-fund', 'coop:refunds', 'coop:reserve', '__proto__', 'toString');
const schemePair = fc.constantFrom(['rider', 'receivable'], ['driver', 'payable'], ['driver', 'tips-payable'], ['member', 'capital'], ['member', 'dividend-payable']);
const nearScheme = fc.oneof(
  fc.tuple(schemePair, memberId).map(([[o, p], m]) => `${o}:${m}:${p}`),
  fc.tuple(owner, memberId, purpose).map(([o, m, p]) => `${o}:${m}:${p}`),
  fixedName,
  fc.tuple(fixedName, fc.nat(20), fc.constantFrom('', ':', 'x', ' ')).map(([f, at, extra]) => f.slice(0, at) + extra + f.slice(at)),
  fc.array(fc.oneof(owner, purpose, memberId), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(':')),
);

describe('parseAccountId', () => {
  it('accepts and refuses exactly what the splitting parser did, with the same result', () => {
    fc.assert(
      fc.property(nearScheme, (id) => {
        expect(outcome(parseAccountId, id)).toEqual(outcome(parseAccountIdBySplitting, id));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads back every account id the scheme makes', () => {
    const kinds = ['rider-receivable', 'driver-payable', 'driver-tips-payable', 'member-capital', 'member-dividend-payable'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/), (kind, memberId) => {
        const ref = { kind, memberId } as AccountRef;
        expect(parseAccountId(accountId(ref))).toEqual(ref);
      }),
    );
  });

  it('refuses the names of object properties, which a lookup in a plain object once found', () => {
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(outcome(parseAccountId, id)).toBe('refused');
    }
  });

  it('refuses ids at the edges of the member id rule', () => {
    expect(outcome(parseAccountId, `rider:${'a'.repeat(128)}:receivable`)).toEqual({ kind: 'rider-receivable', memberId: 'a'.repeat(128) });
    for (const id of [`rider:${'a'.repeat(129)}:receivable`, 'rider::receivable', 'rider:-a:receivable', 'rider:a:b:receivable', 'rider:a:receivable\n', 'coop:commission:x']) {
      expect(outcome(parseAccountId, id)).toBe('refused');
    }
  });
});
