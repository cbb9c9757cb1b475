/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the straightforward implementation, kept as the
 * reference. canonicalize.ts runs a faster writer and hands every value it declines (anything
 * not plain JSON, and every value that fails) to this one, so errors and their paths come from
 * here; the tests check the two agree on every value.
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
import { CanonicalJsonError, CanonicalJsonErrorCode } from './canonical-json.errors';

/** The reference RFC 8785 serialization: the oracle for {@link canonicalize}, and what it falls back to. */
export function canonicalizeReference(value: unknown): string {
  try {
    return write(value, new Set<object>(), '');
  } catch (e) {
    if (e instanceof Refusal) throw new CanonicalJsonError(e.code, `$${e.pathFromValue()}`, e.detail);
    throw e;
  }
}

/**
 * A value without a canonical form, on its way up to canonicalize. Each container it passes
 * adds its own step, so the path (`.a[2].b`) is built only on failure, not for every member
 * (which cost more than the serialization itself).
 */
class Refusal {
  private readonly steps: string[] = [];

  constructor(
    readonly code: CanonicalJsonErrorCode,
    readonly detail: string,
  ) {}

  through(step: string): Refusal {
    this.steps.push(step);
    return this;
  }

  pathFromValue(): string {
    return this.steps.reverse().join('');
  }
}

/** Rethrow a child's refusal with the step that led to it; anything else passes unchanged. */
function via(e: unknown, step: string): unknown {
  return e instanceof Refusal ? e.through(step) : e;
}

function write(value: unknown, stack: Set<object>, key: string): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      return serializeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      throw new Refusal('CANONICAL_JSON.UNDEFINED', 'undefined is not a JSON value');
    case 'bigint':
      throw new Refusal('CANONICAL_JSON.UNSUPPORTED_TYPE', 'bigint is not a JSON value; convert it to a string or a safe-integer number first');
    case 'function':
    case 'symbol':
      throw new Refusal('CANONICAL_JSON.UNSUPPORTED_TYPE', `${typeof value} is not a JSON value`);
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // As JSON.stringify (ECMA-262 SerializeJSONProperty step 2): Date and friends.
    return write(toJSON.call(obj, key), stack, key);
  }
  if (stack.has(obj)) throw new Refusal('CANONICAL_JSON.CYCLE', 'cyclic structure');
  stack.add(obj);
  const text = Array.isArray(obj) ? writeArray(obj, stack) : writeObject(obj, stack);
  stack.delete(obj);
  return text;
}

function writeArray(items: unknown[], stack: Set<object>): string {
  // String concatenation: V8 builds ropes, cheaper than collecting parts and joining them.
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ',';
    try {
      text += write(items[i], stack, String(i));
    } catch (e) {
      throw via(e, `[${i}]`);
    }
  }
  return text + ']';
}

function writeObject(obj: object, stack: Set<object>): string {
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (obj.constructor as { name?: string } | undefined)?.name ?? 'unknown';
    throw new Refusal('CANONICAL_JSON.UNSUPPORTED_TYPE', `only plain objects and arrays are accepted, got ${name}`);
  }
  const record = obj as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly RFC 8785 section 3.2.3.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    try {
      text += `${text.length > 1 ? ',' : ''}${serializeString(k)}:${write(v, stack, k)}`;
    } catch (e) {
      throw via(e, `.${k}`);
    }
  }
  return text + '}';
}

function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Refusal('CANONICAL_JSON.NON_FINITE_NUMBER', `${n} is not a JSON number`);
  // Number.prototype.toString is the RFC 8785 section 3.2.2.3 algorithm; it already maps -0 to "0".
  return String(n);
}

/** Any character JSON.stringify would escape, or any surrogate code unit (paired or not). */
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** With the u flag a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function serializeString(s: string): string {
  // Most strings (ids, cells, names) need neither escapes nor the surrogate check.
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  if (LONE_SURROGATE.test(s)) {
    throw new Refusal('CANONICAL_JSON.LONE_SURROGATE', 'string contains an unpaired UTF-16 surrogate (not I-JSON, RFC 7493 section 2.1)');
  }
  return JSON.stringify(s);
}
