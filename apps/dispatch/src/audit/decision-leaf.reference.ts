/**
 * How a decision leaf was built until 2026-12-07, kept as the reference that decision-leaf.ts
 * must match byte for byte (the spec compares them on generated records; the CPU bench prices
 * both): canonicalize the full record, redact a deep copy, seal, canonicalize the leaf object,
 * every serialization with the reference RFC 8785 implementation. decisionLeafTexts also hands
 * it the records its fast walk declines (not plain JSON, or to be refused), so those get
 * exactly the old texts or the old errors.
 */
import { canonicalizeReference } from '@coop/canonical-json';
import { DecisionLeaf, DecisionLeafTexts, LEAF_SCHEMA, LeafPrivacy, sealCanonical } from './log-leaf';
import { RedactionRules, redact } from './privacy/redaction';

/** The reference of decisionLeafTexts: same arguments, same texts, the old way. */
export function referenceDecisionLeafTexts(record: unknown, rules: RedactionRules, privacy: LeafPrivacy, salt: Uint8Array): DecisionLeafTexts {
  const full = canonicalizeReference(record);
  const leaf: DecisionLeaf = {
    schema: LEAF_SCHEMA,
    kind: 'dispatch_decision',
    record: redact(record, rules),
    privacy,
    sealed: sealCanonical(salt, full),
  };
  return { leafText: canonicalizeReference(leaf), fullRecord: full };
}
