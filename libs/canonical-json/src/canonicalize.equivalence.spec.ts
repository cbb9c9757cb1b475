import fc from 'fast-check';
import { canonicalize, canonicalizeReference } from '@coop/canonical-json';

/** What a serializer did with a value: its text, or the error it threw (class and message, which carries code and path). */
function outcome(serialize: (v: unknown) => string, value: unknown): { text: string } | { error: string } {
  try {
    return { text: serialize(value) };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** An object with exactly these own members, names such as `__proto__` included (an object literal would set the prototype). */
function ownMembers(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

// Member names that sort differently by code unit than by code point or as array indices, and names the reference treats specially.
const name = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('1', '10', '9', '\r', '\u0080', '\u20ac', '\ufb33', '\ud83d\ude00', '\ud800', '__proto__', 'toJSON', 'a', 'b', 'aa'),
);

// Values inside and outside plain JSON: everything the fast writer must serialize exactly or leave to the reference.
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    fc.double(),
    fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 1e21, 5e-324, true, false, null, undefined),
    fc.constantFrom(10n, new Date(Date.UTC(2026, 0, 2)), new Map(), new Uint8Array(1), Symbol('s'), () => 1, Object.create(null) as object),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(name, tie('value')), { maxLength: 5 }).map(ownMembers),
    tie('value').map((v) => ({ toJSON: () => v })),
    fc.array(fc.tuple(name, tie('value')), { maxLength: 3 }).map((es) => Object.assign(Object.create(null) as object, ownMembers(es))),
  ),
}));

describe('canonicalize (fast writer) against canonicalizeReference', () => {
  it('gives the same text or the same error on any value, JSON or not', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(canonicalize, v)).toEqual(outcome(canonicalizeReference, v));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same text on plain JSON (the fast path itself)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 5 }), (v) => {
        expect(canonicalize(v)).toBe(canonicalizeReference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses cycles and very deep values with the reference error, and serializes deep acyclic ones', () => {
    const cyclic: Record<string, unknown> = { a: [1] };
    (cyclic.a as unknown[]).push({ back: cyclic });
    expect(outcome(canonicalize, { top: cyclic })).toEqual(outcome(canonicalizeReference, { top: cyclic }));
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { d: deep };
    expect(canonicalize(deep)).toBe(canonicalizeReference(deep));
  });

  it('serializes a throwing getter as the reference does (the error passes)', () => {
    const o = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(outcome(canonicalize, o)).toEqual(outcome(canonicalizeReference, o));
  });
});
