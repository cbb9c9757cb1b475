/**
 * A proposal's change to the policy: a JSON Merge Patch (RFC 7396) against the version in
 * force. Objects merge key by key, `null` removes a key, anything else (numbers, strings,
 * arrays) replaces the value whole. The result is then checked as a whole new document.
 */
import type { JsonValue } from '@coop/money';

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy made of plain objects and arrays (canonical JSON refuses other prototypes). */
function clone(v: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

/** Applies an RFC 7396 merge patch to `target`, returning a new value (inputs are not changed). */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? (clone(target) as JsonObject) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key] ?? null, value);
  }
  return out;
}

/** One leaf that differs between two documents, with its value before and after (undefined when absent). */
export interface PolicyChange {
  path: string;
  before: JsonValue | undefined;
  after: JsonValue | undefined;
}

/**
 * The leaves that differ between two JSON documents, in sorted path order; arrays compare
 * as whole values (a fare table band list is one parameter).
 */
export function diffDocuments(before: JsonValue | undefined, after: JsonValue | undefined, prefix = ''): PolicyChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffDocuments(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: prefix || '(root)', before, after }];
}

/** Whether a change touches the governance section, which needs the supermajority. */
export function changesGovernance(changes: readonly PolicyChange[]): boolean {
  return changes.some((c) => c.path === 'governance' || c.path.startsWith('governance.'));
}
