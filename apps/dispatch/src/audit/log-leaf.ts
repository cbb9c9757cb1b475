/**
 * The documents the transparency log holds, one per leaf, hashed as RFC 8785 canonical JSON
 * (leaf hash SHA-256(0x00 || bytes), RFC 9162 section 2.1.1).
 *
 * A dispatch decision is logged in its public form (ids pseudonymized, positions coarsened,
 * see privacy/redaction.ts) together with `sealed`, a salted SHA-256 commitment to the full
 * record. So every member can recompute every leaf hash from what the API serves, and an
 * auditor given the salt and the full record (log_leaf_disclosures) can check that they are
 * the ones the log committed to, and replay the exact decision. The salt stops anyone from
 * confirming a guessed full record against the commitment.
 *
 * Pure: no framework, database or clock.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '@coop/canonical-json';
import { PseudonymRotation } from './privacy/pseudonym';

/**
 * Version tag of the leaf layout below, written on every new leaf. Leaves without a tag predate
 * public leaves (full records, v1). v2 decisions embed the whole matching policy in
 * `record.policy`; from v3 a decision names its policy by version and content hash only
 * ({@link PolicyRef}), and a reader takes the parameters from the log's own `policy_activation`
 * leaf of that version (whose document hashes to that hash), which the log holds before it.
 */
export const LEAF_SCHEMA = 'coop-dispatch/log-leaf/v3';

/** The earlier public layout, still read and verified (the log is append-only). */
export const LEAF_SCHEMA_V2 = 'coop-dispatch/log-leaf/v2';

/** True for a leaf in a public layout (v2 or v3): its record is already pseudonymized. */
export function isPublicLeafSchema(schema: unknown): boolean {
  return schema === LEAF_SCHEMA || schema === LEAF_SCHEMA_V2;
}

/** How a v3 decision names its policy: the version and the SHA-256 of its canonical document. */
export interface PolicyRef {
  version: string;
  hash: string;
}

/** How the public record of a decision leaf was made. */
export interface LeafPrivacy {
  /** Pseudonym key period, e.g. "2026-11". */
  period: string;
  rotation: PseudonymRotation;
  /** H3 resolution positions were coarsened to. */
  h3Resolution: number;
}

/** A dispatch decision leaf. */
export interface DecisionLeaf {
  schema: typeof LEAF_SCHEMA;
  kind: 'dispatch_decision';
  /** The decision record in public form, its `policy` a {@link PolicyRef}. */
  record: unknown;
  privacy: LeafPrivacy;
  /** base64 SHA-256(salt || canonical JSON of the full record). */
  sealed: string;
}

/** A policy version coming into force: the whole voted document, so decisions can be checked against it. */
export interface PolicyActivationLeaf {
  schema: typeof LEAF_SCHEMA;
  kind: 'policy_activation';
  record: { version: number; hash: string; effectiveAt: string; document: unknown };
}

export type LogLeaf = DecisionLeaf | PolicyActivationLeaf;

/** A decision leaf's exact text, and the canonical full record its `sealed` commits to (with the salt). */
export interface DecisionLeafTexts {
  leafText: string;
  fullRecord: string;
}

/** The commitment to a full record: base64 SHA-256(salt || canonical JSON). */
export function sealRecord(salt: Uint8Array, record: unknown): string {
  return sealCanonical(salt, canonicalize(record));
}

/** {@link sealRecord} of a record already in canonical JSON text (saves canonicalizing it twice). */
export function sealCanonical(salt: Uint8Array, canonicalRecord: string): string {
  return createHash('sha256').update(salt).update(canonicalRecord, 'utf8').digest('base64');
}

/**
 * A decision record as a v3 leaf stores it (public form and sealed full record alike): `policy`
 * cut to its version and hash. The matching parameters are the activated document's, bound by
 * that hash, so storing them with every decision (a fifth of its bytes) added nothing checkable.
 */
export function withPolicyRef<R extends { policy: PolicyRef }>(record: R): Omit<R, 'policy'> & { policy: PolicyRef } {
  return { ...record, policy: { version: record.policy.version, hash: record.policy.hash } };
}

/** The exact text that is hashed and stored for a leaf. */
export function leafText(leaf: LogLeaf): string {
  return canonicalize(leaf);
}
