/**
 * The two texts a decision leaf needs from one record, in one walk: the RFC 8785 text of the
 * full record (sealed, disclosed to auditors) and that of its public form
 * (`canonicalize(redact(record, rules))`, what the leaf holds). Both share every member name
 * sorted once and every piece the redaction leaves alone (most of a record: features, scores,
 * reasons), where canonicalize twice and redact's deep copy did all of it two or three times.
 *
 * Exactly the texts of the straightforward composition, or undefined where the walk declines or
 * fails (not plain JSON, a value canonicalize refuses, a throwing H3 call): the caller then does
 * it the straightforward way, which returns the texts or throws the error it always did. The
 * decision leaf spec compares the two on generated records.
 */
import { NOT_PLAIN, checkPlainContainer, memberName, quoteString, sortedNames, writeNumber } from '@coop/canonical-json';
import { latLngToCell } from 'h3-js';
import { RedactionRules, coarsenCell, isUuid } from './redaction';

/** A record's canonical text and that of its public form. */
export interface RecordTexts {
  full: string;
  public: string;
}

/** canonicalize(record) and canonicalize(redact(record, rules)) in one walk; undefined for a record the walk leaves to them. */
export function recordTexts(record: unknown, rules: RedactionRules): RecordTexts | undefined {
  try {
    const walk = new TwoTextWalk(rules);
    const full = walk.write(record, 0);
    return { full, public: walk.publicText };
  } catch {
    return undefined;
  }
}

/**
 * Writes a value's full text and leaves its public text in `publicText`: two results per call
 * without allocating a pair for each of a record's few hundred values.
 */
class TwoTextWalk {
  publicText = '';

  constructor(private readonly rules: RedactionRules) {}

  write(value: unknown, depth: number): string {
    switch (typeof value) {
      case 'string': {
        const text = quoteString(value);
        // redact: a whole-string UUID (any case) becomes the pseudonym of its lower-case form.
        this.publicText = value.length === 36 && isUuid(value) ? quoteString(this.rules.pseudonymOf(value.toLowerCase())) : text;
        return text;
      }
      case 'number':
        return (this.publicText = writeNumber(value));
      case 'boolean':
        return (this.publicText = value ? 'true' : 'false');
      case 'object':
        break;
      default:
        throw NOT_PLAIN;
    }
    if (value === null) return (this.publicText = 'null');
    return Array.isArray(value) ? this.writeArray(value, depth) : this.writeObject(value, depth);
  }

  private writeArray(items: unknown[], depth: number): string {
    checkPlainContainer(items, true, depth);
    let full = '[';
    let pub = '[';
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (item === undefined) throw NOT_PLAIN;
      const comma = i > 0 ? ',' : '';
      full += comma + this.write(item, depth + 1);
      pub += comma + this.publicText;
    }
    this.publicText = pub + ']';
    return full + ']';
  }

  private writeObject(obj: object, depth: number): string {
    checkPlainContainer(obj, false, depth);
    const names = sortedNames(obj);
    const record = obj as Record<string, unknown>;
    // redact: an exact position { latE6, lngE6 } (integers, nothing else) becomes its H3 cell.
    // (Names sorted: latE6 < lngE6. Comparing names first keeps the lookups off every other object.)
    const point = names.length === 2 && names[0] === 'latE6' && names[1] === 'lngE6' && Number.isInteger(record.latE6) && Number.isInteger(record.lngE6);
    let full = '';
    let pub = '';
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      // redact's copy would set the prototype instead of a member: left to the reference.
      if (name === '__proto__') throw NOT_PLAIN;
      const member = record[name];
      if (member === undefined) continue;
      const head = (full.length > 0 ? ',' : '') + memberName(name);
      full += head + this.write(member, depth + 1);
      // redact: a string in a `...Cell` member becomes its parent cell at the public resolution (and is not checked for a UUID).
      const publicValue = typeof member === 'string' && name.endsWith('Cell') ? quoteString(coarsenCell(member, this.rules.h3Resolution)) : this.publicText;
      pub += head + publicValue;
    }
    if (point) {
      const cell = latLngToCell((record.latE6 as number) / 1e6, (record.lngE6 as number) / 1e6, this.rules.h3Resolution);
      this.publicText = '{"cell":' + quoteString(cell) + '}';
    } else {
      this.publicText = '{' + pub + '}';
    }
    return '{' + full + '}';
  }
}
