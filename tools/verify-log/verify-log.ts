/**
 * The member's verifier: trusts nothing the server says until checked.
 * 1. Public key and checkpoint: the key ID is the C2SP signed-note ID of (origin, key), the
 *    Ed25519 signature covers the body, the JSON fields are the body's.
 * 2. The last checkpoint this verifier accepted (state file): same origin and key, and a
 *    consistency proof that the new tree extends it (RFC 9162 section 2.1.4.2).
 * 3. Each leaf in the range: hash recomputed from canonical JSON, inclusion proof in the
 *    checkpoint's tree (section 2.1.3.2), the leaf's own checks (leaf-checks.ts); when the range
 *    is the whole tree, the root recomputed from all leaves as well.
 * 4. Every decision names a policy version whose activation is in the log before it, with the
 *    same hash: a v3 decision is checked with that activation's parameters (it carries none),
 *    and fails, named by index, when the log holds no such activation before it; a v1/v2
 *    decision's embedded parameters must equal the activation's. When the range does not start
 *    at 0, the activations before it are fetched too (`kind=policy_activation`), each checked
 *    by hash and inclusion proof.
 * The state file is updated only when everything passed.
 */
import { canonicalize } from '@coop/canonical-json';
import {
  MemoryNodeStore,
  checkCheckpointConsistency,
  keyId,
  parseCheckpointBody,
  publicKeyFromBase64,
  verifyCheckpoint,
  verifyInclusion,
} from '@coop/transparency-log';
import { PeriodFairness, fairnessReport } from '../../apps/dispatch/src/audit/fairness';
import { AuditClient, CheckpointJson, DecisionJson, OutcomesJson } from './audit-client';
import { ActivatedPolicy, LeafOutcome, checkLeaf } from './leaf-checks';
import { SavedState, loadState, saveState } from './state-file';

export interface VerifyOptions {
  url: string;
  token?: string;
  statePath?: string;
  from?: number;
  /** Exclusive end; default the checkpoint's tree size. */
  to?: number;
  pageSize?: number;
  concurrency?: number;
  fetchImpl?: typeof fetch;
  /** Also compute the fairness figures from the leaves read (only those that passed their checks). */
  fairness?: boolean;
}

export interface Failure {
  index?: number;
  what: string;
}

export interface VerifyReport {
  ok: boolean;
  origin?: string;
  treeSize?: number;
  previousTreeSize?: number;
  range?: [number, number];
  leaves: number;
  inclusionChecked: number;
  replayedFull: number;
  rankingChecked: number;
  withheld: number;
  policiesSeen: number;
  notes: string[];
  failures: Failure[];
  fairness?: PeriodFairness[];
  /** With --fairness: trips per driver and wait times per period as the server reports them (the log does not hold them, so they are not verified). */
  reportedOutcomes?: ({ period: string } & OutcomesJson)[];
}

const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** Runs every check; never throws for a verification failure (network and usage errors do throw). */
export async function verifyLog(o: VerifyOptions): Promise<VerifyReport> {
  const client = new AuditClient(o.url, o.token, o.fetchImpl);
  const report: VerifyReport = { ok: false, leaves: 0, inclusionChecked: 0, replayedFull: 0, rankingChecked: 0, withheld: 0, policiesSeen: 0, notes: [], failures: [] };
  const fail = (what: string, index?: number) => report.failures.push(index === undefined ? { what } : { index, what });

  const key = await client.publicKey();
  const cp = await client.checkpoint();
  report.origin = cp.origin;
  report.treeSize = cp.treeSize;
  const publicKey = publicKeyFromBase64(key.publicKey);
  if (keyId(cp.origin, publicKey) !== key.keyId || cp.keyId !== key.keyId) fail('key ID does not match the origin and public key');
  if (!verifyCheckpoint(cp.body, cp.signature, publicKey)) fail('checkpoint signature does not verify with the public key');
  const parsed = checkpointFields(cp, fail);
  if (report.failures.length > 0 || !parsed) return finish(report);

  const state = o.statePath ? await loadState(o.statePath) : undefined;
  if (state) await checkAgainstSaved(client, state, cp, key.publicKey, report, fail);

  if (!client.hasToken) {
    report.notes.push('no member token: leaves not downloaded (checkpoint and consistency only)');
  } else {
    await checkLeaves(client, cp, o, report, fail);
  }
  const result = finish(report);
  if (result.ok && o.statePath) {
    await saveState(o.statePath, {
      url: o.url,
      origin: cp.origin,
      publicKey: key.publicKey,
      checkpoint: { treeSize: cp.treeSize, rootHash: cp.rootHash, body: cp.body, signature: cp.signature },
    });
  }
  return result;
}

function finish(report: VerifyReport): VerifyReport {
  report.ok = report.failures.length === 0;
  return report;
}

function checkpointFields(cp: CheckpointJson, fail: (w: string) => void) {
  try {
    const p = parseCheckpointBody(cp.body);
    if (p.origin !== cp.origin || p.treeSize !== cp.treeSize || Buffer.from(p.rootHash).toString('base64') !== cp.rootHash) {
      fail('checkpoint JSON fields differ from the signed body');
    }
    return p;
  } catch (e) {
    fail(`checkpoint body is malformed: ${(e as Error).message}`);
    return undefined;
  }
}

async function checkAgainstSaved(
  client: AuditClient,
  state: SavedState,
  cp: CheckpointJson,
  publicKey: string,
  report: VerifyReport,
  fail: (w: string) => void,
): Promise<void> {
  report.previousTreeSize = state.checkpoint.treeSize;
  if (state.origin !== cp.origin) return fail(`origin changed from ${state.origin} to ${cp.origin}`);
  if (state.publicKey !== publicKey) return fail('the log signs with another key than last time (delete the state file only if the co-op announced a key change)');
  const older = parseCheckpointBody(state.checkpoint.body);
  const newer = parseCheckpointBody(cp.body);
  let proof: Uint8Array[] = [];
  if (older.treeSize > 0 && older.treeSize < newer.treeSize) {
    proof = (await client.consistency(older.treeSize, newer.treeSize)).proof.map(b);
  }
  const check = checkCheckpointConsistency(older, newer, proof);
  if (!check.ok) fail(`not consistent with the checkpoint saved last time (size ${older.treeSize}): ${check.reason} ${check.detail}`);
}

async function checkLeaves(
  client: AuditClient,
  cp: CheckpointJson,
  o: VerifyOptions,
  report: VerifyReport,
  fail: (w: string, i?: number) => void,
): Promise<void> {
  const from = o.from ?? 0;
  const to = Math.min(o.to ?? cp.treeSize, cp.treeSize);
  report.range = [from, to];
  if (from > to) return fail(`range start ${from} is beyond the checkpoint's tree size ${cp.treeSize}`);
  const root = b(cp.rootHash);
  const outcomes: LeafOutcome[] = [];
  // Version -> its first activation; leaves are checked in log order, so a decision sees only
  // activations logged before it.
  const activations = new Map<number, ActivatedPolicy>();
  const policyOf = (version: string) => activations.get(Number(version));
  const decisions: { index: number; ref: NonNullable<LeafOutcome['policyRef']> }[] = [];
  const verifiedLeaves: unknown[] = [];
  if (from > 0) await priorActivations(client, from, cp.treeSize, root, activations, report, fail);

  for (let next = from; next < to; ) {
    const page = await client.decisions(next, Math.min(o.pageSize ?? 500, to - next));
    const entries = page.decisions.filter((d) => d.index < to);
    if (entries.length === 0) return fail(`the server returned no leaves from ${next} although the tree has ${to}`);
    for (const [k, d] of entries.entries()) {
      if (d.index !== next + k) return fail(`leaves out of order: expected ${next + k}, got ${d.index}`, d.index);
    }
    const checked: LeafOutcome[] = [];
    for (const d of entries) {
      const r = checkLeaf(d, policyOf);
      if (r.activation && !activations.has(r.activation.version)) activations.set(r.activation.version, r.activation);
      checked.push(r);
    }
    await mapLimit(entries, o.concurrency ?? 8, (d, k) => checkInclusion(client, d, checked[k], cp.treeSize, root));
    for (const [k, r] of checked.entries()) {
      const index = entries[k].index;
      outcomes.push(r);
      report.leaves++;
      r.failures.forEach((f) => fail(f, index));
      if (r.withheld) report.withheld++;
      if (r.replayed === 'full') report.replayedFull++;
      if (r.replayed === 'ranking') report.rankingChecked++;
      if (r.replayed === 'none' && r.policyRef) report.notes.push(`leaf ${index}: batch decision, replayable by auditors only`);
      if (r.dividend) report.notes.push(`leaf ${index}: the ${r.dividend.year} dividend allocation, recomputed from its inputs`);
      if (r.policyRef) decisions.push({ index, ref: r.policyRef });
      if (o.fairness && r.failures.length === 0 && !r.withheld) verifiedLeaves.push(entries[k].leaf);
    }
    report.inclusionChecked += entries.length;
    next += entries.length;
  }
  report.policiesSeen = activations.size;
  if (o.fairness) {
    report.fairness = fairnessReport(verifiedLeaves);
    report.reportedOutcomes = [];
    for (const { period } of report.fairness) {
      try {
        report.reportedOutcomes.push({ period, ...(await client.outcomes(period)) });
      } catch (e) {
        report.notes.push(`trip outcomes of ${period} not available from the server: ${(e as Error).message}`);
      }
    }
  }

  if (from === 0 && to === cp.treeSize && to > 0) {
    const tree = new MemoryNodeStore({ expectedLeaves: to });
    tree.append(outcomes.map((r) => r.leafHash));
    if (Buffer.compare(Buffer.from(tree.rootHash()), Buffer.from(root)) !== 0) fail('the root of all downloaded leaves is not the checkpoint root');
  }
  // v1/v2 decisions embed their parameters (v3 ones were matched in checkLeaf).
  let unmatched = 0;
  for (const { index, ref } of decisions) {
    if (ref.matching === undefined) continue;
    const act = activations.get(Number(ref.version));
    if (!act) {
      unmatched++;
      continue;
    }
    if (act.hash !== ref.hash) fail(`decision names policy ${ref.version} with hash ${ref.hash}, the log activated ${act.hash}`, index);
    else if (canonicalize(act.matching) !== canonicalize(ref.matching)) fail(`decision's matching parameters differ from policy ${ref.version} as activated`, index);
  }
  if (unmatched > 0) report.notes.push(`${unmatched} decisions (v1/v2) name a policy whose activation the log does not hold`);
}

/** The policy activations before `from` (a range not starting at 0): each checked like any leaf, inclusion included. */
async function priorActivations(
  client: AuditClient,
  from: number,
  treeSize: number,
  root: Uint8Array,
  activations: Map<number, ActivatedPolicy>,
  report: VerifyReport,
  fail: (w: string, i?: number) => void,
): Promise<void> {
  for (let next: number | undefined = 0; next !== undefined && next < from; ) {
    const page = await client.decisions(next, 500, 'policy_activation');
    const entries = page.decisions.filter((d) => d.index < from);
    for (const d of entries) {
      const r = checkLeaf(d);
      await checkInclusion(client, d, r, treeSize, root);
      r.failures.forEach((f) => fail(f, d.index));
      if (r.withheld || !r.activation) fail('the server returned a leaf that is not a policy activation for kind=policy_activation', d.index);
      else if (!activations.has(r.activation.version)) activations.set(r.activation.version, r.activation);
    }
    report.inclusionChecked += entries.length;
    // Stop at the range, at the end, or if the server does not move forward.
    next = entries.length === page.decisions.length && page.next !== undefined && page.next > next ? page.next : undefined;
  }
}

async function checkInclusion(client: AuditClient, d: DecisionJson, r: LeafOutcome, treeSize: number, root: Uint8Array): Promise<void> {
  const p = await client.inclusion(d.index, treeSize);
  const inc = verifyInclusion({ index: d.index, treeSize, leafHash: r.leafHash, proof: p.proof.map(b), rootHash: root });
  if (!inc.ok) r.failures.push(`inclusion proof does not verify against the checkpoint root: ${inc.reason}`);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
