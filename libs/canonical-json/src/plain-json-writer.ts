/**
 * The pieces of a fast RFC 8785 writer for plain JSON data (plain objects, arrays, strings,
 * finite numbers, booleans, null): what canonicalize runs first, and what a writer that emits
 * two related texts in one walk (the audit log's full and public record) builds on.
 *
 * Each piece produces exactly the text canonicalizeReference would, or throws
 * {@link NOT_PLAIN} for anything outside that subset (a lone surrogate, a non-finite number,
 * `undefined` in an array, toJSON, a class instance, a very deep or cyclic value, ...): the
 * caller then hands the whole value to canonicalizeReference, which serializes it or refuses it
 * with the right code and path. So the fast path never has to get a refusal right.
 */

/** Thrown by these pieces for a value they do not serialize; never escapes canonicalize. */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/** Deeper than this, the fast path declines (the reference finds cycles; real records are shallow). */
export const MAX_PLAIN_DEPTH = 64;

/** Any character JSON.stringify would escape, or any surrogate code unit (paired or not). */
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** With the u flag a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * A string as RFC 8785 section 3.2.2.2 writes it (ES JSON.stringify's escapes). Most strings
 * need no escape and are quoted directly; one with a lone surrogate is declined (not I-JSON).
 */
export function quoteString(s: string): string {
  if (!NEEDS_CARE.test(s)) return '"' + s + '"';
  if (LONE_SURROGATE.test(s)) throw NOT_PLAIN;
  return JSON.stringify(s);
}

/** Member names repeat across records (they come from code): their quoted form is kept. */
const quotedNames = new Map<string, string>();
/** Bounds that memory for data whose names do not repeat (a map keyed by ids, say). */
const MAX_QUOTED_NAMES = 10_000;

/** `"name":`, the member name as written before its value. */
export function memberName(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    quoted = quoteString(name) + ':';
    if (quotedNames.size >= MAX_QUOTED_NAMES) quotedNames.clear();
    quotedNames.set(name, quoted);
  }
  return quoted;
}

/**
 * A plain object's own enumerable names in RFC 8785 section 3.2.3 order (UTF-16 code units,
 * which is what `<` on strings compares). Insertion sort: objects have a few to a few dozen
 * members, where it beats Array.prototype.sort's default comparator (which converts and
 * compares through a generic path).
 */
export function sortedNames(obj: object): string[] {
  const names = Object.keys(obj);
  for (let i = 1; i < names.length; i++) {
    const name = names[i];
    let j = i - 1;
    if (names[j] < name) continue;
    while (j >= 0 && names[j] > name) {
      names[j + 1] = names[j];
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}

/**
 * Declines what the reference treats specially: toJSON (own or inherited, on objects and
 * arrays alike), objects whose prototype is neither Object.prototype nor null (class
 * instances, Map, Date, typed arrays), and too deep a value.
 */
export function checkPlainContainer(value: object, isArray: boolean, depth: number): void {
  if (depth > MAX_PLAIN_DEPTH || (value as { toJSON?: unknown }).toJSON !== undefined) throw NOT_PLAIN;
  if (!isArray) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  }
}

/** A finite number as Number.prototype.toString writes it (RFC 8785 section 3.2.2.3; -0 is "0"). */
export function writeNumber(n: number): string {
  if (n - n !== 0) throw NOT_PLAIN; // NaN and +/-Infinity
  return '' + n;
}

/** The canonical text of a plain JSON value, or {@link NOT_PLAIN}. */
export function writePlain(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return writeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    checkPlainContainer(value, true, depth);
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw NOT_PLAIN;
      text += (i > 0 ? ',' : '') + writePlain(item, depth + 1);
    }
    return text + ']';
  }
  checkPlainContainer(value, false, depth);
  const names = sortedNames(value);
  const record = value as Record<string, unknown>;
  let text = '';
  for (let i = 0; i < names.length; i++) {
    const member = record[names[i]];
    if (member === undefined) continue; // omitted, as JSON.stringify does
    text += (text.length > 0 ? ',' : '') + memberName(names[i]) + writePlain(member, depth + 1);
  }
  return '{' + text + '}';
}
