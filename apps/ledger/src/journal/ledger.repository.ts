import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountBalance,
  JournalTransaction,
  JsonObject,
  MoneyError,
  TransactionKind,
  accountMember,
  checkIdempotency,
  parseAccountId,
} from '@coop/money';

/** A journal entry as stored: the transaction, its place in the journal and when it was posted. */
export interface StoredTransaction {
  tx: JournalTransaction;
  seq: bigint;
  postedAt: Date;
}

/** The outcome of an append: TigerBeetle's `ok` (new) or `exists` (duplicate, the original returned). */
export interface AppendResult {
  outcome: 'new' | 'duplicate';
  stored: StoredTransaction;
}

interface TransactionRow {
  id: string;
  kind: TransactionKind;
  metadata: JsonObject;
  reverses: string | null;
  pending_id: string | null;
  seq: string;
  posted_at: Date;
  postings: Array<{ accountId: string; currency: string; amount: string; pending: boolean }>;
}

interface BalanceRow {
  account_id: string;
  currency: string;
  posted: string;
  pending: string;
}

const SELECT_TRANSACTION = `
  SELECT t.id, t.kind, t.metadata, t.reverses, t.pending_id, t.seq, t.posted_at,
         json_agg(json_build_object('accountId', p.account_id, 'currency', p.currency,
                  'amount', p.amount::text, 'pending', p.pending) ORDER BY p.index) AS postings
    FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id`;

function toStored(row: TransactionRow): StoredTransaction {
  return {
    seq: BigInt(row.seq),
    postedAt: row.posted_at,
    tx: {
      id: row.id,
      kind: row.kind,
      metadata: row.metadata,
      postings: row.postings.map((p) => ({
        accountId: p.accountId,
        amount: { amount: BigInt(p.amount), currency: p.currency.trim() },
        ...(p.pending ? { pending: true } : {}),
      })),
      ...(row.reverses !== null ? { reverses: row.reverses } : {}),
      ...(row.pending_id !== null ? { pendingId: row.pending_id } : {}),
    },
  };
}

function toBalance(row: BalanceRow): AccountBalance {
  return { accountId: row.account_id, currency: row.currency.trim(), posted: BigInt(row.posted), pending: BigInt(row.pending) };
}

/**
 * One append in one statement, so one round trip and its own (implicit) transaction: the
 * entry, its accounts, its postings and, for two-phase entries, the hold state row. When the
 * id is taken, ON CONFLICT leaves `t` empty and nothing else is written (each later insert is
 * gated on `t`); a concurrent append of the same id waits on the unique key, then sees it.
 * The deferred balance trigger runs at the statement's commit, so a refusal rolls back all.
 * Foreign keys are checked at the end of the statement, after every CTE has inserted.
 */
const APPEND = `
  WITH t AS (
    INSERT INTO ledger_transactions (id, kind, metadata, reverses, pending_id) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (id) DO NOTHING RETURNING seq, posted_at
  ), a AS (
    INSERT INTO ledger_accounts (id, currency, kind, member_id)
    SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) WHERE EXISTS (SELECT 1 FROM t)
    ON CONFLICT (id) DO NOTHING
  ), p AS (
    INSERT INTO ledger_postings (transaction_id, index, account_id, currency, amount, pending)
    SELECT $1, * FROM unnest($10::int[], $11::text[], $12::text[], $13::bigint[], $14::boolean[]) WHERE EXISTS (SELECT 1 FROM t)
  ), h AS (
    INSERT INTO ledger_hold_states (hold_id, state, transaction_id)
    SELECT $15, $16, $1 WHERE $16::text IS NOT NULL AND EXISTS (SELECT 1 FROM t)
  )
  SELECT seq, posted_at FROM t`;

function appendParameters(tx: JournalTransaction): unknown[] {
  const accounts = new Map(tx.postings.map((p) => [p.accountId, p.amount.currency]));
  const ids = [...accounts.keys()].sort();
  const holdState =
    tx.kind === 'payment.hold' ? ['pending', tx.id] : tx.pendingId !== undefined ? [tx.kind === 'payment.capture' ? 'posted' : 'voided', tx.pendingId] : [null, null];
  return [
    tx.id,
    tx.kind,
    tx.metadata,
    tx.reverses ?? null,
    tx.pendingId ?? null,
    ids,
    ids.map((id) => accounts.get(id)),
    ids.map((id) => parseAccountId(id).kind),
    ids.map((id) => accountMember(parseAccountId(id)) ?? null),
    tx.postings.map((_, i) => i),
    tx.postings.map((p) => p.accountId),
    tx.postings.map((p) => p.amount.currency),
    tx.postings.map((p) => p.amount.amount.toString()),
    tx.postings.map((p) => p.pending === true),
    holdState[1],
    holdState[0],
  ];
}

/**
 * The journal in PostgreSQL. Appends are idempotent by transaction id (INSERT .. ON CONFLICT
 * DO NOTHING, then a content comparison); the database refuses what does not balance (a
 * deferred constraint trigger), posts in another currency than the account's (a foreign
 * key), and any UPDATE or DELETE. Balances are always sums over the postings.
 */
@Injectable()
export class LedgerRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Appends a checked transaction, opening its accounts on first use. A second append of the
   * same id returns the original when the content is the same and throws
   * LEDGER.IDEMPOTENCY_CONFLICT otherwise; database refusals come back as LEDGER.* errors.
   */
  async append(tx: JournalTransaction): Promise<AppendResult> {
    let inserted: Array<{ seq: string; posted_at: Date }>;
    try {
      inserted = await this.db.query(APPEND, appendParameters(tx));
    } catch (error) {
      throw translate(error, tx);
    }
    if (inserted.length === 1) {
      return { outcome: 'new', stored: { tx, seq: BigInt(inserted[0]!.seq), postedAt: inserted[0]!.posted_at } };
    }
    const existing = await this.find(tx.id);
    if (!existing) throw new Error(`transaction ${tx.id} conflicted but cannot be read`);
    checkIdempotency(existing.tx, tx);
    return { outcome: 'duplicate', stored: existing };
  }

  /** One transaction by id, with its postings in order. */
  async find(id: string, m: EntityManager = this.db.manager): Promise<StoredTransaction | undefined> {
    const rows: TransactionRow[] = await m.query(`${SELECT_TRANSACTION} WHERE t.id = $1 GROUP BY t.id`, [id]);
    return rows[0] && toStored(rows[0]);
  }

  /** Runs `fn` in one read-only REPEATABLE READ transaction: every read sees the same snapshot. */
  async snapshot<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      return fn(m);
    });
  }

  /** Every transaction in journal order, `limit` at a time after `afterSeq` (reconciliation reads it all). */
  async page(afterSeq: bigint, limit: number, m: EntityManager = this.db.manager): Promise<StoredTransaction[]> {
    const rows: TransactionRow[] = await m.query(
      `${SELECT_TRANSACTION} WHERE t.seq > $1 GROUP BY t.id ORDER BY t.seq LIMIT $2`,
      [afterSeq.toString(), limit],
    );
    return rows.map(toStored);
  }

  /** The state of a two-phase hold: pending, posted or voided (undefined when no such hold). */
  async holdState(holdId: string): Promise<'pending' | 'posted' | 'voided' | undefined> {
    const rows: Array<{ state: 'pending' | 'posted' | 'voided' }> = await this.db.query(
      `SELECT state FROM ledger_hold_states WHERE hold_id = $1 ORDER BY (state = 'pending') LIMIT 1`,
      [holdId],
    );
    return rows[0]?.state;
  }

  /** Balance of every account (or of the given accounts), summed from the postings now. */
  async balances(accountIds?: readonly string[], m: EntityManager = this.db.manager): Promise<AccountBalance[]> {
    const rows: BalanceRow[] = await m.query(
      `SELECT account_id, currency,
              coalesce(sum(amount) FILTER (WHERE NOT pending), 0)::text AS posted,
              coalesce(sum(amount) FILTER (WHERE pending), 0)::text AS pending
         FROM ledger_postings
        WHERE $1::text[] IS NULL OR account_id = ANY($1)
        GROUP BY account_id, currency ORDER BY account_id`,
      [accountIds ?? null],
    );
    return rows.map(toBalance);
  }

  /** A member's accounts (their ids and currencies). */
  async memberAccounts(memberId: string): Promise<Array<{ accountId: string; currency: string }>> {
    const rows: Array<{ id: string; currency: string }> = await this.db.query(
      `SELECT id, currency FROM ledger_accounts WHERE member_id = $1 ORDER BY id`,
      [memberId],
    );
    return rows.map((r) => ({ accountId: r.id, currency: r.currency.trim() }));
  }

  /** Balances of the given accounts from postings of transactions posted before `before`. */
  async balancesBefore(accountIds: readonly string[], before: Date): Promise<AccountBalance[]> {
    const rows: BalanceRow[] = await this.db.query(
      `SELECT p.account_id, p.currency,
              coalesce(sum(p.amount) FILTER (WHERE NOT p.pending), 0)::text AS posted,
              coalesce(sum(p.amount) FILTER (WHERE p.pending), 0)::text AS pending
         FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
        WHERE p.account_id = ANY($1) AND t.posted_at < $2
        GROUP BY p.account_id, p.currency`,
      [accountIds, before],
    );
    return rows.map(toBalance);
  }

  /** Transactions touching any of the accounts, posted in [from, to), in journal order. */
  async touching(accountIds: readonly string[], from: Date, to: Date, limit: number): Promise<StoredTransaction[]> {
    const rows: TransactionRow[] = await this.db.query(
      `${SELECT_TRANSACTION}
        WHERE t.posted_at >= $2 AND t.posted_at < $3
          AND t.id IN (SELECT transaction_id FROM ledger_postings WHERE account_id = ANY($1))
        GROUP BY t.id ORDER BY t.seq LIMIT $4`,
      [accountIds, from, to, limit],
    );
    return rows.map(toStored);
  }
}

/** PostgreSQL's refusals in the ledger's terms; anything else passes through unchanged. */
function translate(error: unknown, tx: JournalTransaction): unknown {
  if (error instanceof MoneyError) return error;
  const e = error as { code?: string; constraint?: string; message?: string };
  switch (e.constraint) {
    case 'ledger_transaction_balanced':
      return new MoneyError('LEDGER.UNBALANCED', `the database refused ${tx.id}: ${e.message}`, { id: tx.id });
    case 'ledger_postings_account_id_currency_fkey':
      return new MoneyError('LEDGER.ACCOUNT_CURRENCY_MISMATCH', `an account of ${tx.id} holds another currency`, { id: tx.id });
    case 'ledger_transactions_one_reversal':
      return new MoneyError('LEDGER.INVALID_TRANSACTION', `${tx.reverses} is already reversed`, { id: tx.id });
    case 'ledger_transactions_one_resolution':
    case 'ledger_hold_states_one_resolution':
      return new MoneyError('LEDGER.INVALID_PENDING', `hold ${tx.pendingId} is already resolved`, { id: tx.id });
    case 'ledger_transactions_reverses_fkey':
    case 'ledger_transactions_pending_id_fkey':
      return new MoneyError('LEDGER.INVALID_TRANSACTION', `${tx.id} points to a transaction that does not exist`, { id: tx.id });
    default:
      if (e.code === '23514' && /hold .* is not pending/.test(e.message ?? '')) {
        return new MoneyError('LEDGER.INVALID_PENDING', `hold ${tx.pendingId} is not pending`, { id: tx.id });
      }
      return error;
  }
}
