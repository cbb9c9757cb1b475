/**
 * ISO 4217 currency codes accepted by the ledger, with their minor-unit exponent.
 *
 * Source: ISO 4217 List One (maintained by SIX on behalf of ISO), active codes. Codes whose
 * minor unit is "N.A." (precious metals XAU/XAG/XPD/XPT, bond units XBA-XBD, XDR, XSU, XUA)
 * and the test/no-currency codes XTS/XXX are left out on purpose: the ledger counts integer
 * minor units, which those codes do not define. Withdrawn codes (HRK, SLL, ZWL, ANG, CUC)
 * are left out too; add a code here when List One adds one.
 */

const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN ' +
  'BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP ' +
  'GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT ' +
  'LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN ' +
  'NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE ' +
  'SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES ' +
  'WST XCD XCG YER ZAR ZMW ZWG';

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...EXPONENT_0.split(' ').map((c) => [c, 0] as const),
  ...EXPONENT_2.split(' ').map((c) => [c, 2] as const),
  ...EXPONENT_3.split(' ').map((c) => [c, 3] as const),
  ...EXPONENT_4.split(' ').map((c) => [c, 4] as const),
]);

/** True when `code` is an active ISO 4217 code with a defined minor unit (e.g. "CAD"). */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === 'string' && EXPONENTS.has(code);
}

/** Number of decimal places of the currency's minor unit (CAD 2, JPY 0, KWD 3), or undefined. */
export function minorUnitExponent(code: string): number | undefined {
  return EXPONENTS.get(code);
}

/** All accepted currency codes, sorted; handy for API schemas and docs. */
export function currencyCodes(): readonly string[] {
  return [...EXPONENTS.keys()].sort();
}
