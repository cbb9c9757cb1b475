/**
 * Pure shaping of statements and the trial balance for the API. A member sees only the lines
 * on their own accounts, and the entry's trip facts (fare breakdown, split, policy hash), but
 * not the other party's member id: the audit view decides what members see of each other.
 *
 * Amounts keep the journal's sign convention (debit > 0, credit < 0): a rider's receivable
 * is positive when the rider owes; a driver's payable is negative when the co-op owes the
 * driver. `normalBalance` says which side each account normally sits on.
 */
import { AccountBalance, JsonValue, MoneyJson, moneyToJson, normalBalance, parseAccountId } from '@coop/money';
import type { AccountTotals, StoredTransaction } from '../journal/ledger.repository';

export interface StatementAccount {
  accountId: string;
  kind: string;
  normalBalance: 'debit' | 'credit';
  opening: MoneyJson;
  closing: MoneyJson;
  /** Two-phase holds not yet captured or voided, at `to`. */
  pendingClosing: MoneyJson;
  /** TigerBeetle's four totals at `to`: posted and pending, debits and credits apart. */
  totals: TotalsJson;
}

export interface TotalsJson {
  debitsPosted: MoneyJson;
  creditsPosted: MoneyJson;
  debitsPending: MoneyJson;
  creditsPending: MoneyJson;
}

function totalsJson(t: AccountTotals | undefined, currency: string): TotalsJson {
  const m = (amount: bigint | undefined) => moneyToJson({ amount: amount ?? 0n, currency });
  return { debitsPosted: m(t?.debitsPosted), creditsPosted: m(t?.creditsPosted), debitsPending: m(t?.debitsPending), creditsPending: m(t?.creditsPending) };
}

export interface StatementEntry {
  transactionId: string;
  kind: string;
  postedAt: string;
  tripId?: string;
  policyHash?: string;
  reverses?: string;
  lines: Array<{ accountId: string; amount: MoneyJson; pending?: true }>;
  /** Why the amounts are what they are: the fare breakdown, the split, a reason. */
  details: { [key: string]: JsonValue };
}

export interface Statement {
  memberId: string;
  from: string;
  to: string;
  accounts: StatementAccount[];
  entries: StatementEntry[];
  /** True when the range had more entries than one statement shows (narrow the range). */
  truncated: boolean;
}

const DETAIL_KEYS = ['fare', 'split', 'reason', 'completedAt', 'quote', 'held', 'charged', 'uncaptured', 'reversedKind', 'refund'] as const;

/**
 * Builds a member's statement from balances before `from` and before `to` (both summed by the
 * database from every entry, so they are right even when the entry list is truncated).
 */
export function buildStatement(input: {
  memberId: string;
  from: Date;
  to: Date;
  accounts: Array<{ accountId: string; currency: string }>;
  opening: AccountBalance[];
  closing: AccountTotals[];
  entries: StoredTransaction[];
  truncated: boolean;
}): Statement {
  const own = new Set(input.accounts.map((a) => a.accountId));
  const opening = new Map(input.opening.map((b) => [b.accountId, b]));
  const closing = new Map(input.closing.map((b) => [b.accountId, b]));

  const entries = input.entries.map((s): StatementEntry => {
    const lines = s.tx.postings.filter((p) => own.has(p.accountId));
    const meta = s.tx.metadata;
    const details: { [key: string]: JsonValue } = {};
    for (const k of DETAIL_KEYS) if (meta[k] !== undefined) details[k] = meta[k]!;
    return {
      transactionId: s.tx.id,
      kind: s.tx.kind,
      postedAt: s.postedAt.toISOString(),
      ...(typeof meta.tripId === 'string' ? { tripId: meta.tripId } : {}),
      ...(typeof meta.policyHash === 'string' ? { policyHash: meta.policyHash } : {}),
      ...(s.tx.reverses !== undefined ? { reverses: s.tx.reverses } : {}),
      lines: lines.map((p) => ({ accountId: p.accountId, amount: moneyToJson(p.amount), ...(p.pending === true ? { pending: true as const } : {}) })),
      details,
    };
  });

  const accounts = input.accounts.map((a): StatementAccount => {
    const ref = parseAccountId(a.accountId);
    const end = closing.get(a.accountId);
    return {
      accountId: a.accountId,
      kind: ref.kind,
      normalBalance: normalBalance(ref),
      opening: moneyToJson({ amount: opening.get(a.accountId)?.posted ?? 0n, currency: a.currency }),
      closing: moneyToJson({ amount: end?.posted ?? 0n, currency: a.currency }),
      pendingClosing: moneyToJson({ amount: end?.pending ?? 0n, currency: a.currency }),
      totals: totalsJson(end, a.currency),
    };
  });
  return { memberId: input.memberId, from: input.from.toISOString(), to: input.to.toISOString(), accounts, entries, truncated: input.truncated };
}

export interface TrialBalance {
  asOf: string;
  accounts: Array<{ accountId: string; kind: string; normalBalance: 'debit' | 'credit'; posted: MoneyJson; pending: MoneyJson; totals: TotalsJson }>;
  /** Per currency: posted and pending totals, each zero when the journal balances. */
  totals: Array<{ currency: string; posted: MoneyJson; pending: MoneyJson; balanced: boolean }>;
}

/** The trial balance: every account's balance and the per-currency totals (zero when balanced). */
export function buildTrialBalance(balances: AccountTotals[], asOf: Date): TrialBalance {
  const totals = new Map<string, { posted: bigint; pending: bigint }>();
  for (const b of balances) {
    const t = totals.get(b.currency) ?? { posted: 0n, pending: 0n };
    t.posted += b.posted;
    t.pending += b.pending;
    totals.set(b.currency, t);
  }
  return {
    asOf: asOf.toISOString(),
    accounts: balances.map((b) => {
      const ref = parseAccountId(b.accountId);
      return {
        accountId: b.accountId,
        kind: ref.kind,
        normalBalance: normalBalance(ref),
        posted: moneyToJson({ amount: b.posted, currency: b.currency }),
        pending: moneyToJson({ amount: b.pending, currency: b.currency }),
        totals: totalsJson(b, b.currency),
      };
    }),
    totals: [...totals]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, t]) => ({
        currency,
        posted: moneyToJson({ amount: t.posted, currency }),
        pending: moneyToJson({ amount: t.pending, currency }),
        balanced: t.posted === 0n && t.pending === 0n,
      })),
  };
}

/**
 * RFC 4180 CSV of a statement's entries, one row per line on the member's accounts. A refund
 * or correction names the entry it reverses and why.
 */
export function statementCsv(statement: Statement): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = [['postedAt', 'transactionId', 'kind', 'tripId', 'accountId', 'amount', 'currency', 'pending', 'reverses', 'reason']];
  for (const e of statement.entries) {
    const reason = e.reverses !== undefined && typeof e.details.reason === 'string' ? e.details.reason : '';
    for (const l of e.lines) {
      rows.push([
        e.postedAt, e.transactionId, e.kind, e.tripId ?? '', l.accountId, String(l.amount.amount), l.amount.currency, l.pending ? 'true' : 'false',
        e.reverses ?? '', reason,
      ]);
    }
  }
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}
