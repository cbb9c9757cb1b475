/**
 * What each caller sees of a leaf (pure). Everyone gets the leaf exactly as logged (already
 * public: pseudonyms and coarse cells) and its hash, so anyone can recompute the hash. On top:
 * - an auditor (role admin) gets the disclosure: the salt and the full record, to check the
 *   leaf's `sealed` commitment and replay the exact decision;
 * - a driver named in a decision gets their own pseudonym for its period and their own exact
 *   snapshot ("why did I not get that trip?"); everyone else in it stays pseudonymous.
 * Leaves logged before the public leaf layout (v1) hold full records: only auditors see them.
 */
import { isPublicLeafSchema } from './log-leaf';
import { StoredLeaf } from './audit-log.repository';

/** Who is looking. */
export type Viewer =
  | { kind: 'auditor' }
  | { kind: 'member' }
  | { kind: 'driver'; driverId: string; pseudonymIn: (period: string) => Promise<string> };

/** One entry of GET /v1/audit/decisions. */
export interface DecisionView {
  index: number;
  leaf: unknown;
  leafHash: string;
  disclosure?: { salt: string; record: unknown };
  viewer?: { pseudonym: string; snapshot: unknown };
  withheld?: string;
}

function parsePublic(body: string): { schema?: unknown; kind?: unknown; privacy?: { period?: unknown } } | undefined {
  const leaf = JSON.parse(body) as Record<string, unknown>;
  return isPublicLeafSchema(leaf.schema) ? leaf : undefined;
}

/** The view of one stored leaf for one viewer. */
export async function viewLeaf(stored: StoredLeaf, viewer: Viewer): Promise<DecisionView> {
  const base = { index: stored.index, leafHash: stored.leafHash.toString('base64') };
  const publicLeaf = parsePublic(stored.body);
  if (viewer.kind === 'auditor') {
    return {
      ...base,
      leaf: JSON.parse(stored.body),
      ...(stored.disclosure
        ? { disclosure: { salt: stored.disclosure.salt.toString('base64'), record: JSON.parse(stored.disclosure.record) } }
        : {}),
    };
  }
  if (!publicLeaf) {
    return { ...base, leaf: null, withheld: 'logged before public leaves (v1): the full record is shown to auditors only' };
  }
  const view: DecisionView = { ...base, leaf: publicLeaf };
  const period = publicLeaf.privacy?.period;
  if (viewer.kind === 'driver' && publicLeaf.kind === 'dispatch_decision' && typeof period === 'string' && stored.disclosure) {
    const mine = await viewer.pseudonymIn(period);
    if (stored.body.includes(`"${mine}"`)) {
      const full = JSON.parse(stored.disclosure.record) as { drivers?: { driverId?: string }[] };
      const snapshot = full.drivers?.find((d) => d.driverId === viewer.driverId) ?? null;
      view.viewer = { pseudonym: mine, snapshot };
    }
  }
  return view;
}
