/**
 * IBAN and BIC checks. Pure: no I/O, no clock.
 *
 * IBAN: ISO 13616-1:2020 — two letters of country code, two check digits, then a BBAN whose
 * length is fixed per country (the SWIFT IBAN registry). The check is ISO 7064 MOD 97-10 as
 * ISO 13616 applies it: move the first four characters to the end, replace each letter by
 * 10..35 (A=10 ... Z=35), and the number taken mod 97 must be 1.
 * BIC: ISO 9362:2022 — 4 alphanumerics (party prefix), 2 letters (country), 2 alphanumerics
 * (party suffix), optionally 3 alphanumerics (branch).
 */

/** IBAN length per country, from the SWIFT IBAN registry (ISO 13616 registration authority). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19,
  SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** The electronic form: spaces removed, upper case (the paper form groups by four). */
export function normalizeIban(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** ISO 7064 MOD 97-10 over the rearranged IBAN, digit by digit so no big numbers are needed. */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = parseInt(ch, 36); // '0'-'9' -> 0-9, 'A'-'Z' -> 10-35
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
  }
  return remainder;
}

/** Why an (already normalized) IBAN is not valid, or null when it is. */
export function ibanProblem(iban: string): string | null {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return 'must be a country code, two check digits and letters or digits';
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined) return `country ${iban.slice(0, 2)} has no IBAN`;
  if (iban.length !== length) return `an IBAN of ${iban.slice(0, 2)} has ${length} characters`;
  if (ibanMod97(iban) !== 1) return 'check digits do not match (ISO 13616 mod 97)';
  return null;
}

export function isValidIban(input: string): boolean {
  return ibanProblem(normalizeIban(input)) === null;
}

/** ISO 9362 shape (8 or 11 characters); whether the BIC is registered is the bank's to say. */
export function isBicShape(bic: string): boolean {
  return /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic);
}
