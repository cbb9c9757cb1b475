/**
 * A driver's payout account: what they send, how it is checked, how it is shown. Pure.
 * Two forms, told apart by their keys (a zod union of strict objects):
 *   { holderName, iban, bic? }                                        an IBAN account
 *   { holderName, canadian: { institution, transit, account } }      a Canadian account
 * (Canada has no IBAN: the Payments Canada routing number is institution + transit.)
 */
import { z } from 'zod';
import { ibanProblem, isBicShape, normalizeIban } from './iban';

const holderName = z.string().trim().min(1).max(70).describe('Account holder, as the bank knows them (pain.001 Nm, 70 for most banks)');

export const ibanAccountSchema = z.strictObject({
  holderName,
  iban: z
    .string()
    .max(42)
    .transform(normalizeIban)
    .superRefine((iban, ctx) => {
      const problem = ibanProblem(iban);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('ISO 13616 IBAN; spaces allowed, checked by country length and mod 97'),
  bic: z
    .string()
    .transform((b) => b.trim().toUpperCase())
    .refine(isBicShape, 'must be an ISO 9362 BIC: 8 or 11 letters/digits, letters 5-6 the country')
    .optional()
    .describe('ISO 9362 BIC of the bank'),
});

export const canadianAccountSchema = z.strictObject({
  holderName,
  canadian: z.strictObject({
    institution: z.string().regex(/^\d{3}$/, 'must be the 3-digit institution number').describe('Institution number, 3 digits'),
    transit: z.string().regex(/^\d{5}$/, 'must be the 5-digit transit (branch) number').describe('Transit (branch) number, 5 digits'),
    account: z.string().regex(/^\d{7,12}$/, 'must be 7 to 12 digits').describe('Account number, 7-12 digits'),
  }),
});

export const payoutAccountInputSchema = z.union([ibanAccountSchema, canadianAccountSchema]);

export type PayoutAccountInput = z.infer<typeof payoutAccountInputSchema>;

/** A stored account (the latest row of a member). */
export type PayoutAccount =
  | { id: string; kind: 'iban'; holderName: string; iban: string; bic: string | null; createdAt: string }
  | { id: string; kind: 'canadian'; holderName: string; institution: string; transit: string; account: string; createdAt: string };

/** Only the last 4 characters show; the rest become '*', so the length still hints the form. */
export function mask(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : '*'.repeat(value.length - 4) + value.slice(-4);
}

/** How the owner sees their account: never the full number. */
export function maskedView(a: PayoutAccount) {
  return a.kind === 'iban'
    ? { kind: a.kind, holderName: a.holderName, iban: mask(a.iban), bic: a.bic, updatedAt: a.createdAt }
    : { kind: a.kind, holderName: a.holderName, canadian: { institution: a.institution, transit: a.transit, account: mask(a.account) }, updatedAt: a.createdAt };
}

/** The one line the CSV shows for an account. */
export function maskedLabel(a: PayoutAccount): string {
  return a.kind === 'iban' ? mask(a.iban) : `CA ${a.institution}-${a.transit} ${mask(a.account)}`;
}

/**
 * The account and bank of a payee in pain.001 terms. Canadian accounts: CdtrAgt is the
 * Payments Canada routing number (clearing system CACPA, member id 0 + institution + transit),
 * CdtrAcct is Othr with the account number and the proprietary scheme name CA-EFT.
 */
export function creditorOf(a: PayoutAccount): {
  account: { iban: string } | { other: string; scheme: string };
  agent: { bic: string } | { clearingSystem: string; memberId: string } | undefined;
} {
  if (a.kind === 'iban') return { account: { iban: a.iban }, agent: a.bic ? { bic: a.bic } : undefined };
  return { account: { other: a.account, scheme: 'CA-EFT' }, agent: { clearingSystem: 'CACPA', memberId: `0${a.institution}${a.transit}` } };
}
