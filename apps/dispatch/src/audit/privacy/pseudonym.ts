/**
 * Member pseudonyms for the public audit view: a keyed hash (HMAC-SHA256, RFC 2104) of the id
 * under a key that belongs to one period. Within a period one member keeps one pseudonym, so a
 * reader can follow "driver X was passed over three times this week"; across periods the
 * pseudonyms are unlinkable, and without the key nobody can test a guessed id against them.
 * Pure: the key is passed in, the clock is the record's own time.
 */
import { createHmac } from 'node:crypto';

/** How often pseudonym keys rotate (the policy's `privacy.pseudonymRotation`). */
export type PseudonymRotation = 'weekly' | 'monthly' | 'yearly';

const PSEUDONYM_BYTES = 15;

/** The pseudonym of `id` under a period key: "m-" and 20 base64url characters (120 bits). */
export function pseudonym(key: Uint8Array, id: string): string {
  return `m-${createHmac('sha256', key).update(id, 'utf8').digest().subarray(0, PSEUDONYM_BYTES).toString('base64url')}`;
}

/** The period an instant (epoch ms) falls in, in UTC: "2026" yearly, "2026-11" monthly, "2026-W47" weekly (ISO 8601 week). */
export function periodOf(epochMs: number, rotation: PseudonymRotation): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not an instant: ${epochMs}`);
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  if (rotation === 'yearly') return String(year);
  if (rotation === 'monthly') return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  // ISO week: the week with the year's first Thursday is week 1; weeks start on Monday.
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(year, d.getUTCMonth(), d.getUTCDate() - day + 3);
  const isoYear = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(isoYear, 0, 1)) / (7 * 86_400_000));
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}
