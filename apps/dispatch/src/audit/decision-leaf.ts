/**
 * A dispatch decision's leaf text and sealed full record, from the record and the privacy rules
 * (pure: the pseudonym function, the salt and the period come from the caller).
 *
 * Byte for byte what decision-leaf.reference.ts builds (canonicalize the record, redact it,
 * seal, canonicalize the leaf object), in a fraction of the CPU: one walk writes both the full
 * and the public record's text (privacy/public-form.ts), and the leaf's envelope around the
 * public text is written directly, its members in their RFC 8785 order.
 */
import { canonicalize } from '@coop/canonical-json';
import { referenceDecisionLeafTexts } from './decision-leaf.reference';
import { DecisionLeafTexts, LEAF_SCHEMA, LeafPrivacy, sealCanonical } from './log-leaf';
import { recordTexts } from './privacy/public-form';
import { RedactionRules } from './privacy/redaction';

/** The texts of a v3 decision leaf for `record` (already cut to its policy reference, withPolicyRef). */
export function decisionLeafTexts(record: unknown, rules: RedactionRules, privacy: LeafPrivacy, salt: Uint8Array): DecisionLeafTexts {
  const texts = recordTexts(record, rules);
  // A record outside plain JSON (or one to refuse): the reference builds it, or throws its error with its path.
  if (!texts) return referenceDecisionLeafTexts(record, rules, privacy, salt);
  return { leafText: decisionLeafText(texts.public, privacy, sealCanonical(salt, texts.full)), fullRecord: texts.full };
}

/**
 * canonicalize({ schema, kind: 'dispatch_decision', record, privacy, sealed }) for a record whose
 * canonical text is `publicRecordText`: the members in code-unit order (kind < privacy <
 * record < schema < sealed), each value canonicalized, the record's text spliced in as is.
 */
export function decisionLeafText(publicRecordText: string, privacy: LeafPrivacy, sealed: string): string {
  return (
    '{"kind":"dispatch_decision","privacy":' +
    canonicalize(privacy) +
    ',"record":' +
    publicRecordText +
    ',"schema":' +
    canonicalize(LEAF_SCHEMA) +
    ',"sealed":' +
    canonicalize(sealed) +
    '}'
  );
}
