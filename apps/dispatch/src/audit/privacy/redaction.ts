/**
 * The public form of a logged record: every member or trip id (UUID) becomes its period
 * pseudonym, every exact position ({ latE6, lngE6 }) becomes its H3 cell at the policy's
 * public resolution, and finer H3 cells (`...Cell` fields) become their parent at that
 * resolution. Everything else (features, term points, scores, exclusion reasons, the policy)
 * stays, so a member can still check that the ranking follows the policy.
 *
 * The rule is structural rather than a list of fields, so a field added to the decision record
 * later is covered without a change here; the privacy spec asserts that no UUID and no
 * microdegree survive a real record.
 */
import { cellToParent, getResolution, isValidCell, latLngToCell } from 'h3-js';

/** How to redact: the pseudonym function (keyed, per period) and the public H3 resolution. */
export interface RedactionRules {
  readonly pseudonymOf: (id: string) => string;
  readonly h3Resolution: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a string shaped like a member or trip id. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

function isPointE6(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 2 && Number.isInteger(v.latE6) && Number.isInteger(v.lngE6);
}

/** The parent of a finer H3 cell at `resolution`; other strings unchanged. */
export function coarsenCell(cell: string, resolution: number): string {
  if (!isValidCell(cell)) return cell;
  return getResolution(cell) > resolution ? cellToParent(cell, resolution) : cell;
}

/** A deep copy of `value` with ids pseudonymized and positions coarsened (see the file comment). */
export function redact(value: unknown, rules: RedactionRules): unknown {
  if (isUuid(value)) return rules.pseudonymOf(value.toLowerCase());
  if (Array.isArray(value)) return value.map((v) => redact(v, rules));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (isPointE6(o)) {
    return { cell: latLngToCell((o.latE6 as number) / 1e6, (o.lngE6 as number) / 1e6, rules.h3Resolution) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = k.endsWith('Cell') && typeof v === 'string' ? coarsenCell(v, rules.h3Resolution) : redact(v, rules);
  }
  return out;
}
