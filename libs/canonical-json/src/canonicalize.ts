/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * The serialization rules of RFC 8785 section 3.2.2 are, by design, those of ECMAScript's
 * JSON.stringify: literals as-is, strings escaped as in ES 2019+ `JSON.stringify`
 * (section 3.2.2.2), numbers as `Number.prototype.toString` (section 3.2.2.3). Object
 * members are sorted by the UTF-16 code units of their names (section 3.2.3), no whitespace.
 *
 * Where plain JSON.stringify would silently change or drop data, we refuse instead (see
 * canonicalize.reference.ts for the list: NaN/Infinity, undefined in arrays, functions,
 * symbols, bigint, lone surrogates, cycles, class instances), because a canonical form that
 * two parties compute differently is worse than an error.
 *
 * Two writers, one result: plain JSON data (what records are) goes through the fast writer of
 * plain-json-writer.ts; anything it declines, including every value that must be refused,
 * goes through the reference implementation, which produces the text or the error.
 */
import { canonicalizeReference } from './canonicalize.reference';
import { writePlain } from './plain-json-writer';

/** Serialize a JSON-compatible value to its RFC 8785 canonical string (what gets hashed/signed). */
export function canonicalize(value: unknown): string {
  try {
    return writePlain(value, 0);
  } catch {
    // Declined (NOT_PLAIN) or failed (a throwing getter, stack overflow): the reference decides.
    return canonicalizeReference(value);
  }
}

/** The UTF-8 bytes of {@link canonicalize}, the exact input to hashes and signatures (RFC 8785 section 3.2.4). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}
