/** The public form of a log leaf, as the audit API serves it (apps/dispatch/src/audit/README.md). */
export interface Features {
  distanceM: number;
  etaSeconds: number;
  idleSeconds: number;
  fixAgeSeconds: number;
  earningsPerHourMinor: number | null;
  excessSeats: number;
  accessibleUnneeded: boolean;
}

export interface Candidate {
  driverId: string;
  features: Features;
  terms: Record<string, number>;
  score: number;
}

export interface Exclusion {
  driverId: string;
  reason: string;
}

export interface Evaluation {
  request: { requestId: string; kind: string };
  search: { pickupCell: string; h3Resolution: number; ringsSearched: number };
  candidates: Candidate[];
  exclusions: Exclusion[];
}

export interface DecisionRecordView extends Partial<Evaluation> {
  mode: 'immediate' | 'batch';
  nowMs: number;
  rule: string;
  /** From leaf schema v3 the version and hash only (the parameters are in the policy's activation leaf); v2 embeds `matching`. */
  policy: { version: string; hash: string; matching?: { weights?: Record<string, number> } & Record<string, unknown> };
  choice?: { driverId: string | null; score: number | null };
  requests?: Evaluation[];
  assignment?: { requestId: string; driverId: string | null; score: number | null }[];
}

export interface Leaf {
  schema?: string;
  kind: 'dispatch_decision' | 'policy_activation' | string;
  record?: DecisionRecordView & Record<string, unknown>;
  privacy?: { period: string; h3Resolution: number };
}

export interface DecisionEntry {
  index: number;
  leaf: Leaf | null;
  leafHash: string;
  viewer?: { pseudonym: string; snapshot: Record<string, unknown> };
  /** Auditors (admin) only: the full record behind the leaf's sealed commitment. */
  disclosure?: { salt: string; record: Record<string, unknown> };
  withheld?: string;
}

export interface DecisionsPage {
  treeSize: number;
  from: number;
  decisions: DecisionEntry[];
  next?: number;
}

/** The evaluations of a decision: one for immediate mode, one per request for batch. */
export function evaluationsOf(record: DecisionRecordView): Evaluation[] {
  if (record.mode === 'batch') return record.requests ?? [];
  return record.candidates && record.search && record.request ? [record as Evaluation] : [];
}

/** Who got the offer for a request, or null. */
export function chosenFor(record: DecisionRecordView, requestId: string): string | null {
  if (record.mode === 'batch') return record.assignment?.find((a) => a.requestId === requestId)?.driverId ?? null;
  return record.choice?.driverId ?? null;
}

/**
 * What a log entry is, in words, for the list and the entry's page. Three kinds are logged
 * today; an unknown one is named by its kind rather than passed off as a dispatch decision.
 */
export function leafTitle(leaf: Leaf | null): string {
  if (!leaf) return 'Withheld';
  const record = leaf.record as (DecisionRecordView & { year?: unknown }) | undefined;
  switch (leaf.kind) {
    case 'dispatch_decision':
      return `Dispatch (${record?.mode ?? '?'})`;
    case 'policy_activation':
      return 'Policy came into force';
    case 'dividend_allocation':
      return typeof record?.year === 'number' ? `Dividends for ${record.year}` : 'Dividend allocation';
    default:
      return `Other entry (${leaf.kind})`;
  }
}
