import fc from 'fast-check';
import { arrayLiteral } from './array-literal';

// pg's own conversion of a parameter, the reference: what the database received before.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (v: unknown) => unknown };

const element = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', ',', ' ', 'a', ':', 'N', 'U', 'L', '\n') }),
  fc.json(),
  fc.constant(null),
  fc.constant('NULL'),
  fc.boolean(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);

describe('arrayLiteral', () => {
  it('writes exactly what pg writes for the same array', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 20 }), (values) => {
        expect(arrayLiteral(values)).toBe(prepareValue(values));
      }),
      { numRuns: 5000 },
    );
  });

  it('quotes and escapes as array_in reads them', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', null, 'NULL', 'say "hi"', 'back\\slash', 7n, true])).toBe('{"a",NULL,"NULL","say \\"hi\\"","back\\\\slash","7","true"}');
  });
});
