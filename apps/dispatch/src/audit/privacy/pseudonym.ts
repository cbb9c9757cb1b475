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

/** Most ids remembered per period key by {@link PseudonymCache}; past it the cache starts over. */
export const PSEUDONYM_CACHE_IDS = 20_000;

/**
 * Pseudonyms already computed, per period key: the same drivers appear in decision after
 * decision, and an HMAC costs ~4 us of CPU (a decision names ~6 distinct ids). A pseudonym is a
 * pure function of (key, id), so a cached one is the one HMAC would give. Keyed by the key
 * buffer itself (PseudonymKeys hands out one per period), so another key never sees these.
 * Bounded: when a key's map holds PSEUDONYM_CACHE_IDS ids it is emptied and refilled.
 */
export class PseudonymCache {
  private readonly byKey = new WeakMap<Uint8Array, Map<string, string>>();

  /** pseudonym(key, id), computed at most once per (key, id) while it stays cached. */
  of(key: Uint8Array, id: string): string {
    let ids = this.byKey.get(key);
    if (!ids) this.byKey.set(key, (ids = new Map()));
    let p = ids.get(id);
    if (p === undefined) {
      if (ids.size >= PSEUDONYM_CACHE_IDS) ids.clear();
      ids.set(id, (p = pseudonym(key, id)));
    }
    return p;
  }

  /** How many ids are cached for `key` (for tests). */
  cachedIds(key: Uint8Array): number {
    return this.byKey.get(key)?.size ?? 0;
  }
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

/** The UTC instants [startMs, endMs) a period string ("2026", "2026-11", "2026-W47") covers; the inverse of periodOf. */
export function periodBounds(period: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})(?:-(\d{2})|-W(\d{2}))?$/.exec(period);
  if (!m) throw new RangeError(`not a pseudonym period: ${period}`);
  const year = Number(m[1]);
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw new RangeError(`not a pseudonym period: ${period}`);
    return { startMs: Date.UTC(year, month - 1, 1), endMs: Date.UTC(year, month, 1) };
  }
  if (m[3] !== undefined) {
    // ISO 8601: week 1 is the week (Monday first) that holds January 4th.
    const jan4 = Date.UTC(year, 0, 4);
    const week1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
    const startMs = week1 + (Number(m[3]) - 1) * 7 * 86_400_000;
    if (Number(m[3]) < 1 || periodOf(startMs, 'weekly') !== period) throw new RangeError(`not a pseudonym period: ${period}`);
    return { startMs, endMs: startMs + 7 * 86_400_000 };
  }
  return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1) };
}
