/**
 * Pure: compares the balances the database sums with balances replayed from the entries by
 * the money library, and re-checks every entry against the journal rules. Balances are never
 * stored, so "recompute and compare" means two independent derivations must agree.
 */
import { AccountBalance, JournalTransaction, assertBalanced, isMoneyError } from '@coop/money';

export interface ReconciliationReport {
  transactions: number;
  accounts: number;
  /** Accounts whose two derivations differ (posted or pending). */
  differences: Array<{ accountId: string; currency: string; summed: { posted: string; pending: string }; replayed: { posted: string; pending: string } }>;
  /** Entries that no longer pass assertBalanced (should never happen: the database enforces it). */
  invalidEntries: Array<{ id: string; code: string; message: string }>;
  /** Per currency, the replayed posted and pending totals (zero when the journal balances). */
  totals: Array<{ currency: string; posted: string; pending: string }>;
}

/** Accumulates replayed balances one page of entries at a time. */
export class BalanceReplay {
  private readonly byAccount = new Map<string, AccountBalance>();
  private readonly invalid: ReconciliationReport['invalidEntries'] = [];
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
