/**
 * Pure: compares the balances the database sums with balances replayed from the entries by
 * the money library, and re-checks every entry against the journal rules. Balances are never
 * stored, so "recompute and compare" means two independent derivations must agree.
 */
import { AccountBalance, JournalTransaction, Posting, assertBalanced, isMoneyError } from '@coop/money';

export interface ReconciliationReport {
  transactions: number;
  accounts: number;
  /** Accounts whose two derivations differ (posted or pending). */
  differences: Array<{ accountId: string; currency: string; summed: { posted: string; pending: string }; replayed: { posted: string; pending: string } }>;
  /** Entries that no longer pass assertBalanced (should never happen: the database enforces it), or break the two-phase rules. */
  invalidEntries: Array<{ id: string; code: string; message: string }>;
  /** Per currency, the replayed posted and pending totals (zero when the journal balances). */
  totals: Array<{ currency: string; posted: string; pending: string }>;
}

/** A multiset of signed lines, as a comparable key per (account, currency, amount). */
function lineCounts(postings: readonly Posting[], negate: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of postings) {
    const key = `${p.accountId} ${p.amount.currency} ${negate ? -p.amount.amount : p.amount.amount}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, n]) => b.get(k) === n);
}

/**
 * The two-phase rules, re-checked in journal order (TigerBeetle's pending transfers): only a
 * hold or its resolution has pending lines; a resolution follows its hold, resolves it once,
 * and releases exactly the hold's lines; a posting of it takes at most the held amount.
 * Returns why the entry breaks them, or undefined.
 */
function twoPhaseViolation(tx: JournalTransaction, holds: Map<string, JournalTransaction>, resolved: Set<string>): string | undefined {
  const pending = tx.postings.filter((p) => p.pending === true);
  if (tx.kind === 'payment.hold') {
    holds.set(tx.id, tx);
    return pending.length === tx.postings.length ? undefined : 'a hold has posted lines';
  }
  if (tx.pendingId === undefined) return pending.length === 0 ? undefined : 'pending lines outside a hold or its resolution';
  const held = holds.get(tx.pendingId);
  if (!held) return `resolves ${tx.pendingId}, which is not an earlier hold`;
  if (resolved.has(tx.pendingId)) return `resolves ${tx.pendingId} a second time`;
  resolved.add(tx.pendingId);
  if (!sameCounts(lineCounts(pending, false), lineCounts(held.postings, true))) return `does not release exactly the lines of ${tx.pendingId}`;
  const heldDebit = held.postings.reduce((s, p) => (p.amount.amount > 0n ? s + p.amount.amount : s), 0n);
  const postedDebit = tx.postings.reduce((s, p) => (p.pending !== true && p.amount.amount > 0n ? s + p.amount.amount : s), 0n);
  return postedDebit > heldDebit ? `posts ${postedDebit}, more than the ${heldDebit} held` : undefined;
}

/** Accumulates replayed balances one page of entries at a time. */
export class BalanceReplay {
  private readonly byAccount = new Map<string, AccountBalance>();
  private readonly invalid: ReconciliationReport['invalidEntries'] = [];
  private readonly holds = new Map<string, JournalTransaction>();
  private readonly resolved = new Set<string>();
  private count = 0;

  add(txs: readonly JournalTransaction[]): void {
    for (const tx of txs) {
      this.count++;
      try {
        assertBalanced(tx);
      } catch (error) {
        if (!isMoneyError(error)) throw error;
        this.invalid.push({ id: tx.id, code: error.code, message: error.message });
      }
      const violation = twoPhaseViolation(tx, this.holds, this.resolved);
      if (violation) this.invalid.push({ id: tx.id, code: 'LEDGER.INVALID_PENDING', message: `${tx.id} ${violation}` });
      for (const p of tx.postings) {
        const key = `${p.accountId} ${p.amount.currency}`;
        const b = this.byAccount.get(key) ?? { accountId: p.accountId, currency: p.amount.currency, posted: 0n, pending: 0n };
        if (p.pending === true) b.pending += p.amount.amount;
        else b.posted += p.amount.amount;
        this.byAccount.set(key, b);
      }
    }
  }

  /** The report against the balances the database summed. */
  compare(summed: readonly AccountBalance[]): ReconciliationReport {
    const fromDb = new Map(summed.map((b) => [`${b.accountId} ${b.currency}`, b]));
    const keys = [...new Set([...fromDb.keys(), ...this.byAccount.keys()])].sort();
    const zero = (accountId: string, currency: string): AccountBalance => ({ accountId, currency, posted: 0n, pending: 0n });
    const differences: ReconciliationReport['differences'] = [];
    const totals = new Map<string, { posted: bigint; pending: bigint }>();
    for (const key of keys) {
      const [accountId, currency] = key.split(' ') as [string, string];
      const s = fromDb.get(key) ?? zero(accountId, currency);
      const r = this.byAccount.get(key) ?? zero(accountId, currency);
      const t = totals.get(currency) ?? { posted: 0n, pending: 0n };
      t.posted += r.posted;
      t.pending += r.pending;
      totals.set(currency, t);
      if (s.posted !== r.posted || s.pending !== r.pending) {
        differences.push({
          accountId,
          currency,
          summed: { posted: s.posted.toString(), pending: s.pending.toString() },
          replayed: { posted: r.posted.toString(), pending: r.pending.toString() },
        });
      }
    }
    return {
      transactions: this.count,
      accounts: keys.length,
      differences,
      invalidEntries: this.invalid,
      totals: [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, t]) => ({ currency, posted: t.posted.toString(), pending: t.pending.toString() })),
    };
  }
}
