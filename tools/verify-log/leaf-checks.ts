/**
 * Checks on one downloaded leaf that need nothing but the leaf itself (pure):
 * - the leaf hash, recomputed from the RFC 8785 canonical JSON (RFC 9162 section 2.1.1);
 * - a policy activation's hash is the SHA-256 of its canonical document;
 * - a dividend allocation recomputes from its inputs (dividend-leaf.ts);
 * - a decision's ranking follows its policy: every candidate's term points and score
 *   recomputed from its recorded features, candidates in the policy's order, the offer made to
 *   the best one (what a member can check on the public, pseudonymized record);
 * - a v3 decision names its policy by version and hash only: the parameters come from the log's
 *   own activation leaf of that version, earlier in the log (`policyOf`), whose document must
 *   hash to the named hash; a version the log never activated before the decision fails it.
 *   (v1 and v2 decisions embed the parameters; verify-log compares them with the activation.)
 * - with a disclosure (auditors): the salted commitment matches, the public record is the
 *   public form of the full one (public-form.ts), and replaying the full record
 *   with the matching library reproduces it exactly, choice included.
 */
import { canonicalBytes } from '@coop/canonical-json';
import { DecisionRecord, MatchingPolicy, ScoredCandidate, TermPoints, replayMatches, sortedJson, termPoints, weightedScore } from '@coop/matching';
import { PolicyDocument, policyHash } from '@coop/policy';
import { hashLeaf } from '@coop/transparency-log';
import { DIVIDEND_LEAF_KIND, DividendAllocationRecord, dividendRecomputationFailures } from '../../apps/dispatch/src/audit/dividend-leaf';
import { LEAF_SCHEMA, isPublicLeafSchema, sealRecord } from '../../apps/dispatch/src/audit/log-leaf';
import { DecisionJson } from './audit-client';
import { publicFormMismatch } from './public-form';

/** What one leaf's checks found. */
export interface LeafOutcome {
  /** The hash to prove inclusion of: recomputed when the leaf is shown, else the served one. */
  leafHash: Uint8Array;
  failures: string[];
  /** 'none' for a batch decision seen without its full record: its assignment needs the solver's inputs. */
  replayed: 'full' | 'ranking' | 'none';
  /** A decision's policy reference, to match against the logged activations (`matching` embedded: v1 and v2 only). */
  policyRef?: { version: string; hash: string; matching?: unknown };
  /** A policy activation, to index: `hash` as recomputed from its document. */
  activation?: ActivatedPolicy;
  /** A dividend allocation, recomputed from its inputs. */
  dividend?: { year: number };
  withheld?: boolean;
}

/** A policy as its activation leaf logged it. */
export interface ActivatedPolicy {
  version: number;
  /** SHA-256 of the canonical document, recomputed (not the hash the leaf claims). */
  hash: string;
  matching: unknown;
}

/** The activation of a policy version logged before the leaf being checked, if any. */
export type PolicyLookup = (version: string) => ActivatedPolicy | undefined;

const noPolicies: PolicyLookup = () => undefined;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Everything checkable about one leaf; never throws on malformed input (it becomes a failure). */
export function checkLeaf(d: DecisionJson, policyOf: PolicyLookup = noPolicies): LeafOutcome {
  const served = new Uint8Array(Buffer.from(d.leafHash, 'base64'));
  if (d.leaf === null || d.leaf === undefined) {
    return { leafHash: served, failures: [], replayed: 'none', withheld: true };
  }
  const out: LeafOutcome = { leafHash: served, failures: [], replayed: 'none' };
  try {
    out.leafHash = hashLeaf(canonicalBytes(d.leaf));
  } catch (e) {
    out.failures.push(`leaf is not canonicalizable JSON: ${(e as Error).message}`);
    return out;
  }
  if (Buffer.compare(Buffer.from(out.leafHash), Buffer.from(served)) !== 0) {
    out.failures.push('leaf hash: SHA-256(0x00 || canonical leaf) differs from the served leafHash');
  }
  try {
    checkBody(d, out, policyOf);
  } catch (e) {
    out.failures.push(`malformed leaf: ${(e as Error).message}`);
  }
  return out;
}

function checkBody(d: DecisionJson, out: LeafOutcome, policyOf: PolicyLookup): void {
  const leaf = d.leaf as Obj;
  const v1 = !isPublicLeafSchema(leaf.schema);
  const record = leaf.record as Obj;
  if (!isObj(record)) throw new Error('no record');
  if (leaf.kind === 'policy_activation') {
    const doc = record.document as PolicyDocument;
    const hash = policyHash(doc);
    if (hash !== record.hash) out.failures.push('policy activation: hash is not SHA-256 of the canonical document');
    out.activation = { version: Number(record.version), hash, matching: (doc as unknown as Obj).matching };
    return;
  }
  if (leaf.kind === DIVIDEND_LEAF_KIND) {
    const allocation = record as unknown as DividendAllocationRecord;
    out.failures.push(...dividendRecomputationFailures(allocation).map((f) => `dividend allocation: ${f}`));
    out.dividend = { year: allocation.year };
    return;
  }
  if (leaf.kind !== 'dispatch_decision') {
    out.failures.push(`unknown leaf kind ${JSON.stringify(leaf.kind)}`);
    return;
  }
  // A v1 leaf is the full record itself (shown to auditors only).
  const full = v1 ? (record as unknown as DecisionRecord) : disclosed(d, leaf, out);
  const publicRecord = record as unknown as DecisionRecord;
  const ref = publicRecord.policy as { version: unknown; hash: unknown; matching?: unknown };
  if (!isObj(ref)) throw new Error('no policy');
  out.policyRef = { version: String(ref.version), hash: String(ref.hash), ...(leaf.schema === LEAF_SCHEMA ? {} : { matching: ref.matching }) };
  let matching = ref.matching as MatchingPolicy | undefined;
  if (leaf.schema === LEAF_SCHEMA) {
    // v3: the parameters are the activated document's, bound by the hash the decision names.
    const activated = policyOf(String(ref.version));
    if (!activated) {
      out.failures.push(`policy: the decision names policy version ${String(ref.version)}, which the log did not activate before it`);
      return;
    }
    if (activated.hash !== ref.hash) {
      out.failures.push(`policy: the decision names policy ${String(ref.version)} with hash ${String(ref.hash)}, the log activated ${activated.hash}`);
      return;
    }
    matching = activated.matching as MatchingPolicy;
  }
  if (full) {
    if (!replayMatches(withMatching(full, matching))) out.failures.push('replay: recomputing the decision from its inputs gives a different record');
    out.replayed = 'full';
  } else if (publicRecord.mode === 'immediate') {
    out.failures.push(...rankingFailures(publicRecord, matching));
    out.replayed = 'ranking';
  }
}

/**
 * A v3 record with the activated parameters put back where the matching library reads them;
 * replayMatches then compares the replay with the record as logged plus those parameters.
 */
function withMatching(record: DecisionRecord, matching: MatchingPolicy | undefined): DecisionRecord {
  if (matching === undefined || record.policy.matching !== undefined) return record;
  return { ...record, policy: { ...record.policy, matching } };
}

function disclosed(d: DecisionJson, leaf: Obj, out: LeafOutcome): DecisionRecord | undefined {
  if (!d.disclosure) return undefined;
  const salt = Buffer.from(d.disclosure.salt, 'base64');
  if (sealRecord(salt, d.disclosure.record) !== leaf.sealed) {
    out.failures.push('disclosure: the full record does not match the commitment sealed in the leaf');
    return undefined;
  }
  const privacy = leaf.privacy as Obj;
  const mismatch = publicFormMismatch(d.disclosure.record, leaf.record, Number(privacy?.h3Resolution));
  if (mismatch) out.failures.push(`disclosure: the public record differs from the sealed full record at ${mismatch}`);
  return d.disclosure.record as DecisionRecord;
}

/** Order of bestFirst without its last tie-break (driver ids, which pseudonyms do not preserve). */
function ranksBefore(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.features.etaSeconds - b.features.etaSeconds || a.features.distanceM - b.features.distanceM;
}

/** The public ranking check of an immediate decision under `policy` (default: the one it embeds, v1/v2); empty when it holds. */
export function rankingFailures(record: DecisionRecord, policy: MatchingPolicy = record.policy.matching): string[] {
  if (record.mode !== 'immediate') return [];
  const failures: string[] = [];
  record.candidates.forEach((c, i) => {
    const terms: TermPoints = termPoints(c.features, policy, record.context);
    if (sortedJson(terms) !== sortedJson(c.terms)) failures.push(`candidate ${i}: term points do not follow from its features and the policy`);
    if (weightedScore(terms, policy) !== c.score) failures.push(`candidate ${i}: score is not the policy's weighted sum`);
    if (i > 0 && ranksBefore(record.candidates[i - 1], c) > 0) failures.push(`candidate ${i}: ranked above a better candidate`);
  });
  const best = record.candidates[0];
  if (!best && record.choice.driverId !== null) failures.push('choice: an offer without any candidate');
  if (best && (record.choice.driverId !== best.driverId || record.choice.score !== best.score)) {
    failures.push('choice: the offer did not go to the best-ranked candidate');
  }
  return failures;
}
