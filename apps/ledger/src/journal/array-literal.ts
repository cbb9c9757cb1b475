/**
 * PostgreSQL's text form of a one-dimensional array, the input array_in reads
 * (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO): every element double-quoted,
 * `"` and `\` escaped with a backslash, NULL for null. The same text pg's prepareValue writes
 * for a JS array, written here because ledger_append takes fourteen arrays per call and pg
 * runs two regular-expression replaces over every element, where only the entries' metadata
 * (JSON) ever holds a character to escape (apps/ledger/README.md, Benchmark).
 */

/** A value of an array parameter: as pg does, a boolean becomes `true` or `false`, a number or bigint its decimal form. */
export type ArrayElement = string | number | bigint | boolean | null | undefined;

const NEEDS_ESCAPE = /["\\]/;
const TO_ESCAPE = /["\\]/g;

/** The array literal of `values`, e.g. `{"a","b\\"c",NULL}`, as pg's prepareValue writes it. */
export function arrayLiteral(values: readonly ArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value === null || value === undefined) {
      out += 'NULL';
      continue;
    }
    const text = String(value);
    out += NEEDS_ESCAPE.test(text) ? `"${text.replace(TO_ESCAPE, '\\$&')}"` : `"${text}"`;
  }
  return `${out}}`;
}
