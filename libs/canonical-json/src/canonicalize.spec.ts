import fc from 'fast-check';
import { canonicalBytes, canonicalize as fastCanonicalize, canonicalizeReference, CanonicalJsonError } from '@coop/canonical-json';

function fromBits(hex: string): number {
  const buf = Buffer.from(hex, 'hex');
  return buf.readDoubleBE(0);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CanonicalJsonError) return e.code;
    throw e;
  }
  return undefined;
}

// Every case runs against the fast writer (what callers get) and the reference it falls back to.
describe.each([
  ['canonicalize', fastCanonicalize],
  ['canonicalizeReference', canonicalizeReference],
])('%s (RFC 8785)', (_name, canonicalize) => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical serialization.
  const appendixB: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(appendixB)('number 0x%s serializes as %s (Appendix B)', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it.each([['7fffffffffffffff'], ['7ff0000000000000'], ['fff0000000000000']])(
    'rejects the non-finite number 0x%s (Appendix B)',
    (bits) => {
      expect(codeOf(() => canonicalize(fromBits(bits)))).toBe('CANONICAL_JSON.NON_FINITE_NUMBER');
    },
  );

  it('serializes -0 as 0 (section 3.2.2.3)', () => {
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize({ a: [-0] })).toBe('{"a":[0]}');
  });

  it('matches the section 3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, including non-ASCII keys (section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the member names off the text: Object.keys would list the integer-like "1" first anyway.
    const names = [...canonicalize(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(names).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts a surrogate pair below U+FB33 (code units, not code points)', () => {
    expect(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it('produces UTF-8 bytes (section 3.2.4)', () => {
    expect(Buffer.from(canonicalBytes({ b: '€', a: 1 })).toString('hex')).toBe(
      Buffer.from('{"a":1,"b":"€"}', 'utf8').toString('hex'),
    );
  });

  it('omits undefined members and honours toJSON', () => {
    expect(canonicalize({ b: undefined, a: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"a":"2024-01-02T03:04:05.000Z"}',
    );
    expect(canonicalize(Object.assign(Object.create(null), { z: 1, y: 2 }))).toBe('{"y":2,"z":1}');
  });

  it.each<[string, () => unknown, string]>([
    ['undefined at top level', () => canonicalize(undefined), 'CANONICAL_JSON.UNDEFINED'],
    ['undefined in an array', () => canonicalize([1, undefined]), 'CANONICAL_JSON.UNDEFINED'],
    ['a function', () => canonicalize({ f: () => 1 }), 'CANONICAL_JSON.UNSUPPORTED_TYPE'],
    ['a symbol', () => canonicalize([Symbol('s')]), 'CANONICAL_JSON.UNSUPPORTED_TYPE'],
    ['a bigint', () => canonicalize({ amount: 10n }), 'CANONICAL_JSON.UNSUPPORTED_TYPE'],
    ['a Map', () => canonicalize({ m: new Map() }), 'CANONICAL_JSON.UNSUPPORTED_TYPE'],
    ['a Uint8Array', () => canonicalize(new Uint8Array(2)), 'CANONICAL_JSON.UNSUPPORTED_TYPE'],
    ['NaN', () => canonicalize({ x: NaN }), 'CANONICAL_JSON.NON_FINITE_NUMBER'],
    ['-Infinity', () => canonicalize([-Infinity]), 'CANONICAL_JSON.NON_FINITE_NUMBER'],
    ['a lone high surrogate', () => canonicalize('a\ud800b'), 'CANONICAL_JSON.LONE_SURROGATE'],
    ['a lone low surrogate in a key', () => canonicalize({ '\udc00': 1 }), 'CANONICAL_JSON.LONE_SURROGATE'],
  ])('rejects %s', (_label, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('rejects cycles but accepts shared (acyclic) references', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(codeOf(() => canonicalize(a))).toBe('CANONICAL_JSON.CYCLE');
    const shared = { x: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('reports the path of the offending value', () => {
    expect(() => canonicalize({ a: [{ b: 1n }] })).toThrow('at $.a[0].b');
    expect(() => canonicalize([{ x: { y: [1, 2, 'ok\udbff'] } }])).toThrow('CANONICAL_JSON.LONE_SURROGATE at $[0].x.y[2]');
    const cyclic: Record<string, unknown> = { k: [] };
    (cyclic.k as unknown[]).push({ back: cyclic });
    expect(() => canonicalize({ top: cyclic })).toThrow('CANONICAL_JSON.CYCLE at $.top.k[0].back');
  });

  describe('properties', () => {
    const json = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });

    it('is a fixed point: canonicalize(JSON.parse(canonicalize(x))) === canonicalize(x)', () => {
      fc.assert(
        fc.property(json, (x) => {
          const c = canonicalize(x);
          expect(canonicalize(JSON.parse(c))).toBe(c);
        }),
        { numRuns: 500 },
      );
    });

    it('round-trips the value (up to -0) and has no whitespace outside strings', () => {
      fc.assert(
        fc.property(json, (x) => {
          const c = canonicalize(x);
          expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(x)));
          // Same escapes and number forms as JSON.stringify, which writes no whitespace: equal length.
          expect(JSON.stringify(JSON.parse(c)).length).toBe(c.length);
        }),
        { numRuns: 500 },
      );
    });

    it('serializes every finite double as Number.prototype.toString does', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
          expect(canonicalize(d)).toBe(Object.is(d, -0) ? '0' : d.toString());
          expect(Number(canonicalize(d))).toBe(d === 0 ? 0 : d);
        }),
        { numRuns: 2000 },
      );
    });

    it('writes any well-formed string as JSON.stringify does and refuses one with a lone surrogate', () => {
      // Every UTF-16 code unit, so control characters, quotes, backslashes and both halves of surrogates occur.
      const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
      // An oracle independent of the implementation: encodeURIComponent throws URIError on a lone surrogate.
      const wellFormed = (s: string) => {
        try {
          encodeURIComponent(s);
          return true;
        } catch {
          return false;
        }
      };
      fc.assert(
        fc.property(fc.string({ unit: fc.oneof(codeUnit, fc.constantFrom('"', '\\', '\n', '\ud83d\ude00', 'a')) }), (s) => {
          if (wellFormed(s)) expect(canonicalize(s)).toBe(JSON.stringify(s));
          else expect(() => canonicalize(s)).toThrow('CANONICAL_JSON.LONE_SURROGATE');
        }),
        { numRuns: 2000 },
      );
    });

    it('does not depend on member insertion order', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.integer()), (dict) => {
          const reversed = Object.fromEntries(Object.entries(dict).reverse());
          expect(canonicalize(reversed)).toBe(canonicalize(dict));
        }),
      );
    });
  });
});
