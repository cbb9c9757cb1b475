import fc from 'fast-check';
import { creditorOf, mask, maskedLabel, maskedView, payoutAccountInputSchema } from './payout-account';

describe('payout account input', () => {
  it('takes an IBAN form, normalized, with an upper-cased BIC', () => {
    const parsed = payoutAccountInputSchema.parse({ holderName: ' Ana ', iban: 'gb82 west 1234 5698 7654 32', bic: 'nwbkgb2l' });
    expect(parsed).toEqual({ holderName: 'Ana', iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' });
  });

  it('takes the Canadian form', () => {
    const canadian = { institution: '003', transit: '12345', account: '1234567' };
    expect(payoutAccountInputSchema.parse({ holderName: 'Ana', canadian })).toEqual({ holderName: 'Ana', canadian });
  });

  it.each([
    [{ holderName: 'Ana', iban: 'GB82WEST12345698765431' }, 'bad check digits'],
    [{ holderName: 'Ana', iban: 'GB82WEST12345698765432', bic: 'NWBK' }, 'bad BIC'],
    [{ holderName: '', iban: 'GB82WEST12345698765432' }, 'no holder'],
    [{ holderName: 'Ana', canadian: { institution: '03', transit: '12345', account: '1234567' } }, 'institution of 2 digits'],
    [{ holderName: 'Ana', canadian: { institution: '003', transit: '1234', account: '1234567' } }, 'transit of 4 digits'],
    [{ holderName: 'Ana', canadian: { institution: '003', transit: '12345', account: '123456' } }, 'account of 6 digits'],
    [{ holderName: 'Ana', canadian: { institution: '003', transit: '12345', account: '1234567890123' } }, 'account of 13 digits'],
    [{ holderName: 'Ana', canadian: { institution: '003', transit: '12a45', account: '1234567' } }, 'a letter in the transit'],
    [{ holderName: 'Ana', iban: 'GB82WEST12345698765432', canadian: { institution: '003', transit: '12345', account: '1234567' } }, 'both forms'],
    [{ holderName: 'Ana' }, 'neither form'],
  ] as Array<[unknown, string]>)('refuses %j (%s)', (input) => {
    expect(payoutAccountInputSchema.safeParse(input).success).toBe(false);
  });

  it('accepts exactly the digit strings of the Canadian lengths', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,14}$/), (account) => {
        const ok = payoutAccountInputSchema.safeParse({ holderName: 'A', canadian: { institution: '001', transit: '00011', account } }).success;
        expect(ok).toBe(account.length >= 7 && account.length <= 12);
      }),
    );
  });
});

describe('masking', () => {
  it('shows only the last 4 characters, keeping the length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 40 }), (value) => {
        const m = mask(value);
        expect(m.length).toBe(value.length);
        const shown = Math.max(0, value.length - 4) === 0 ? 0 : 4;
        expect(m.slice(0, value.length - shown)).toBe('*'.repeat(value.length - shown));
        expect(m.slice(value.length - shown)).toBe(value.slice(value.length - shown));
      }),
    );
    expect(mask('GB82WEST12345698765432')).toBe('******************5432');
    expect(mask('123')).toBe('***');
  });

  it('the views never carry the full number', () => {
    const iban = { id: '1', kind: 'iban' as const, holderName: 'Ana', iban: 'DE89370400440532013000', bic: null, createdAt: 't' };
    const ca = { id: '2', kind: 'canadian' as const, holderName: 'Ana', institution: '003', transit: '12345', account: '987654321', createdAt: 't' };
    expect(JSON.stringify(maskedView(iban))).not.toContain('370400440532');
    expect(maskedView(iban)).toMatchObject({ iban: '******************3000' });
    expect(maskedView(ca)).toMatchObject({ canadian: { institution: '003', transit: '12345', account: '*****4321' } });
    expect(maskedLabel(ca)).toBe('CA 003-12345 *****4321');
  });

  it('maps the Canadian form to a CACPA routing number and an Othr account', () => {
    const ca = { id: '2', kind: 'canadian' as const, holderName: 'Ana', institution: '003', transit: '12345', account: '987654321', createdAt: 't' };
    expect(creditorOf(ca)).toEqual({ account: { other: '987654321', scheme: 'CA-EFT' }, agent: { clearingSystem: 'CACPA', memberId: '000312345' } });
  });
});
