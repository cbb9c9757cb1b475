import fc from 'fast-check';
import { ibanMod97, ibanProblem, isBicShape, isValidIban, normalizeIban } from './iban';

/** Published examples: ISO 13616-1 / the SWIFT IBAN registry (GB, DE) and other registry entries. */
const VALID = ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'CH9300762011623852957'];
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('IBAN (ISO 13616, mod 97-10)', () => {
  it.each(VALID)('accepts the published example %s', (iban) => {
    expect(ibanProblem(iban)).toBeNull();
    expect(ibanMod97(iban)).toBe(1);
  });

  it('accepts the paper form (groups of four, lower case)', () => {
    expect(isValidIban('gb82 west 1234 5698 7654 32')).toBe(true);
    expect(normalizeIban('gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
  });

  it('refuses a wrong length, an unknown country and a bad shape', () => {
    expect(ibanProblem('GB82WEST1234569876543')).toMatch(/22 characters/);
    expect(ibanProblem('XX82WEST12345698765432')).toMatch(/no IBAN/);
    expect(ibanProblem('GBX2WEST12345698765432')).toMatch(/country code/);
    expect(ibanProblem('')).not.toBeNull();
  });

  it('refuses every single-character change of the same class (digit for digit, letter for letter), exhaustively', () => {
    for (const iban of VALID) {
      for (let i = 0; i < iban.length; i++) {
        const sameClass = /\d/.test(iban[i]!) ? ALPHABET.slice(0, 10) : ALPHABET.slice(10);
        for (const ch of sameClass) {
          if (ch === iban[i]) continue;
          expect(isValidIban(iban.slice(0, i) + ch + iban.slice(i + 1))).toBe(false);
        }
      }
    }
  });

  it('the same holds for random valid IBANs (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'0123456789'), { minLength: 18, maxLength: 18 }), fc.nat(), fc.integer({ min: 1, max: 9 }), (digits, at, delta) => {
        const bban = digits.join('');
        const iban = `DE${String(98 - ibanMod97(`DE00${bban}`)).padStart(2, '0')}${bban}`;
        const i = 2 + (at % 20); // any digit: check digits or BBAN
        const changed = iban.slice(0, i) + String((Number(iban[i]) + delta) % 10) + iban.slice(i + 1);
        expect(isValidIban(changed)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('limit: a letter put in place of a digit can pass mod 97 alone (the per-country BBAN format, not checked here, refuses it)', () => {
    // '0' -> 'C' at position 16 turns one digit into "12": mod 97 guarantees nothing for a change of length.
    expect(ibanMod97('NL91ABNA0417164300'.slice(0, 16) + 'C0')).toBe(1);
  });

  it('refuses every swap of two adjacent different characters', () => {
    for (const iban of VALID) {
      for (let i = 4; i < iban.length - 1; i++) {
        if (iban[i] === iban[i + 1]) continue;
        const swapped = iban.slice(0, i) + iban[i + 1] + iban[i] + iban.slice(i + 2);
        expect(isValidIban(swapped)).toBe(false);
      }
    }
  });

  it('the check digits computed for any BBAN make a valid IBAN (98 - mod97 with 00)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'0123456789'), { minLength: 18, maxLength: 18 }), (digits) => {
        const bban = digits.join('');
        const check = 98 - ibanMod97(`DE00${bban}`);
        const iban = `DE${String(check).padStart(2, '0')}${bban}`;
        expect(isValidIban(iban)).toBe(true);
      }),
    );
  });
});

describe('BIC (ISO 9362 shape)', () => {
  it.each(['DEUTDEFF', 'DEUTDEFF500', 'ROYCCAT2', 'NWBKGB2L'])('accepts %s', (bic) => expect(isBicShape(bic)).toBe(true));
  it.each(['DEUTDEF', 'DEUTDEFF50', 'DEUT1EFF', 'deutdeff', 'DEUTDEFF5000'])('refuses %s', (bic) => expect(isBicShape(bic)).toBe(false));
});
