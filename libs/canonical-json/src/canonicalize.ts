/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * The serialization rules of RFC 8785 section 3.2.2 are, by design, those of ECMAScript's
 * JSON.stringify: literals as-is, strings escaped as in ES 2019+ `JSON.stringify`
 * (section 3.2.2.2), numbers as `Number.prototype.toString` (section 3.2.2.3). Object
 * members are sorted by the UTF-16 code units of their names (section 3.2.3), no whitespace.
 *
 * Where plain JSON.stringify would silently change or drop data, we refuse instead, because
 * a canonical form that two parties compute differently is worse than an error:
 * - NaN and +/-Infinity are not JSON numbers (RFC 8785 section 3.2.2.3): rejected.
 * - `undefined` inside an array, functions, symbols and bigint anywhere: rejected
 *   (JSON.stringify would write `null`, drop the member, or throw without a path).
 * - Strings or names with a lone surrogate: rejected, because RFC 8785 section 3.1 requires
 *   I-JSON input (RFC 7493 section 2.1: no unpaired surrogates), and such strings have no
 *   UTF-8 encoding.
 * - Cycles, and objects that are not plain objects or arrays (Map, Set, typed arrays, class
 *   instances) unless they provide `toJSON` (as Date does), which is honoured as in
 *   JSON.stringify.
 * `undefined`-valued object members are omitted, as JSON.stringify does.
 */
import { CanonicalJsonError } from './canonical-json.errors';

/** Serialize a JSON-compatible value to its RFC 8785 canonical string (what gets hashed/signed). */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out, new Set<object>(), '');
  return out.join('');
}

/** The UTF-8 bytes of {@link canonicalize}, the exact input to hashes and signatures (RFC 8785 section 3.2.4). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

function write(value: unknown, path: string, out: string[], stack: Set<object>, key: string): void {
  switch (typeof value) {
    case 'string':
      out.push(serializeString(value, path));
      return;
    case 'number':
      out.push(serializeNumber(value, path));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      throw new CanonicalJsonError('CANONICAL_JSON.UNDEFINED', path, 'undefined is not a JSON value');
    case 'bigint':
      throw new CanonicalJsonError(
        'CANONICAL_JSON.UNSUPPORTED_TYPE',
        path,
        'bigint is not a JSON value; convert it to a string or a safe-integer number first',
      );
    case 'function':
    case 'symbol':
      throw new CanonicalJsonError('CANONICAL_JSON.UNSUPPORTED_TYPE', path, `${typeof value} is not a JSON value`);
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const obj = value as object;
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // As JSON.stringify (ECMA-262 SerializeJSONProperty step 2): Date and friends.
    write(toJSON.call(obj, key), path, out, stack, key);
    return;
  }
  if (stack.has(obj)) {
    throw new CanonicalJsonError('CANONICAL_JSON.CYCLE', path, 'cyclic structure');
  }
  stack.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], `${path}[${i}]`, out, stack, String(i));
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj.constructor as { name?: string } | undefined)?.name ?? 'unknown';
      throw new CanonicalJsonError(
        'CANONICAL_JSON.UNSUPPORTED_TYPE',
        path,
        `only plain objects and arrays are accepted, got ${name}`,
      );
    }
    const record = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly RFC 8785 section 3.2.3.
    const keys = Object.keys(record).sort();
    let first = true;
    out.push('{');
    for (const k of keys) {
      const v = record[k];
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      const memberPath = `${path}.${k}`;
      out.push(serializeString(k, memberPath), ':');
      write(v, memberPath, out, stack, k);
    }
    out.push('}');
  }
  stack.delete(obj);
}

function serializeNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) {
    throw new CanonicalJsonError('CANONICAL_JSON.NON_FINITE_NUMBER', path, `${n} is not a JSON number`);
  }
  // Number.prototype.toString is the RFC 8785 section 3.2.2.3 algorithm; it already maps -0 to "0".
  return String(n);
}

function serializeString(s: string, path: string): string {
  if (hasLoneSurrogate(s)) {
    throw new CanonicalJsonError(
      'CANONICAL_JSON.LONE_SURROGATE',
      path,
      'string contains an unpaired UTF-16 surrogate (not I-JSON, RFC 7493 section 2.1)',
    );
  }
  return JSON.stringify(s);
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return true;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}
