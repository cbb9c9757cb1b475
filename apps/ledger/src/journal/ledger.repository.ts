import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { arrayLiteral } from './array-literal';
import { Batcher, Settled } from './batcher';
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

/** A two-phase hold's state: pending until exactly one posting or void. */
export type HoldState = 'pending' | 'posted' | 'voided';

/** A hold as stored, with its state. */
export interface HeldEntry {
  hold: StoredTransaction;
  state: HoldState;
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
  debits_posted: string;
  credits_posted: string;
  debits_pending: string;
  credits_pending: string;
}

/**
 * An account's net balances and TigerBeetle's four totals (each >= 0): debits and credits
 * posted, and debits and credits pending, i.e. of holds not yet posted or voided.
 */
export interface AccountTotals extends AccountBalance {
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}

/**
 * The sums behind AccountTotals, over postings `p` joined to their transactions `t`. A
 * pending line is a hold's own (kind payment.hold) or the release of one (a capture's or
 * void's exact negation of it), so a hold's debit counts in debits_pending until its release
 * takes it out again: what remains is the debits of holds still pending.
 */
const TOTALS = `
  coalesce(sum(p.amount) FILTER (WHERE NOT p.pending), 0)::text AS posted,
  coalesce(sum(p.amount) FILTER (WHERE p.pending), 0)::text AS pending,
  coalesce(sum(p.amount) FILTER (WHERE NOT p.pending AND p.amount > 0), 0)::text AS debits_posted,
  coalesce(-sum(p.amount) FILTER (WHERE NOT p.pending AND p.amount < 0), 0)::text AS credits_posted,
  coalesce(sum(p.amount) FILTER (WHERE p.pending AND (t.kind = 'payment.hold') = (p.amount > 0)), 0)::text AS debits_pending,
  coalesce(-sum(p.amount) FILTER (WHERE p.pending AND (t.kind = 'payment.hold') = (p.amount < 0)), 0)::text AS credits_pending`;

/** Transactions with their postings in order; `extra` adds leading columns. */
function selectTransactions(extra = ''): string {
  return `
  SELECT ${extra} t.id, t.kind, t.metadata, t.reverses, t.pending_id, t.seq, t.posted_at,
         json_agg(json_build_object('accountId', p.account_id, 'currency', p.currency,
                  'amount', p.amount::text, 'pending', p.pending) ORDER BY p.index) AS postings
    FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id`;
}

const SELECT_TRANSACTION = selectTransactions();

/**
 * A hold's state from the journal (migration 1763900000860): its one resolution, found by the
 * unique index on pending_id, says posted or voided; without one the hold is pending.
 */
const resolutionOf = (holdId: string) =>
  `(SELECT CASE r.kind WHEN 'payment.capture' THEN 'posted' ELSE 'voided' END FROM ledger_transactions r WHERE r.pending_id = ${holdId})`;

/** Holds with their state. */
const READ_HOLDS = `${selectTransactions(
  `coalesce(${resolutionOf('t.id')}, 'pending') AS hold_state,`,
)} WHERE t.id = ANY($1::text[]) AND t.kind = 'payment.hold' GROUP BY t.id`;

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

function toBalance(row: BalanceRow): AccountTotals {
  return {
    accountId: row.account_id,
    currency: row.currency.trim(),
    posted: BigInt(row.posted),
    pending: BigInt(row.pending),
    debitsPosted: BigInt(row.debits_posted),
    creditsPosted: BigInt(row.credits_posted),
    debitsPending: BigInt(row.debits_pending),
    creditsPending: BigInt(row.credits_pending),
  };
}

/**
 * The append: ledger_append (migrations 1763900000800, 1763900000810 and 1763900000860) takes
 * any number of entries as parallel arrays, one per column, and writes the new ones with their
 * accounts and postings in one statement, so one round trip and one commit. It refuses
 * the whole call (constraint ledger_transactions_idempotent) when an existing id holds other
 * content. An entry flagged if-pending is a hold's resolution built without reading the
 * hold: appended only while the hold is pending, else answered with the hold's state.
 *
 * The entries' metadata arrives as one JSON array, made into the function's jsonb[] here: as
 * an array literal each metadata's JSON would be escaped (a backslash before each of its
 * ~150 quotes, ~7 us for a completion's) and then unescaped by array_in.
 */
const APPEND = `SELECT out_id, out_new, out_seq, out_posted_at, out_hold_state
  FROM ledger_append($1::text[], $2::text[], ARRAY(SELECT e.m FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(m, n) ORDER BY e.n),
                     $4::text[], $5::text[], $6::boolean[], $7::text[], $8::int[], $9::text[],
                     $10::text[], $11::bigint[], $12::boolean[], $13::text[], $14::text[])`;

/**
 * The call's parameters, one element per entry or per line: the metadata as one JSON array,
 * the thirteen others as array literals written here (arrayLiteral) rather than by pg, the
 * same text PostgreSQL received from pg.
 */
function appendParameters(entries: readonly AppendEntry[]): string[] {
  const ids: string[] = [], kinds: string[] = [], metadata: string[] = [], reverses: Array<string | null> = [], pendingIds: Array<string | null> = [];
  const ifPending: boolean[] = [];
  const lineTx: string[] = [], lineIndex: number[] = [], lineAccount: string[] = [], lineCurrency: string[] = [], lineAmount: bigint[] = [];
  const linePending: boolean[] = [], lineKind: string[] = [], lineMember: Array<string | null> = [];
  for (const entry of entries) {
    const tx = txOf(entry);
    ids.push(tx.id);
    kinds.push(tx.kind);
    metadata.push(JSON.stringify(tx.metadata));
    reverses.push(tx.reverses ?? null);
    pendingIds.push(tx.pendingId ?? null);
    ifPending.push(isIfHoldPending(entry));
    tx.postings.forEach((p, index) => {
      const account = parseAccountId(p.accountId);
      lineTx.push(tx.id);
      lineIndex.push(index);
      lineAccount.push(p.accountId);
      lineCurrency.push(p.amount.currency);
      lineAmount.push(p.amount.amount);
      linePending.push(p.pending === true);
      lineKind.push(account.kind);
      lineMember.push(accountMember(account) ?? null);
    });
  }
  return [
    arrayLiteral(ids), arrayLiteral(kinds), `[${metadata.join(',')}]`, arrayLiteral(reverses), arrayLiteral(pendingIds), arrayLiteral(ifPending),
    arrayLiteral(lineTx), arrayLiteral(lineIndex), arrayLiteral(lineAccount), arrayLiteral(lineCurrency), arrayLiteral(lineAmount),
    arrayLiteral(linePending), arrayLiteral(lineKind), arrayLiteral(lineMember),
  ];
}

/**
 * A hold's capture or void built from the outcome event instead of from the stored hold
 * (hold-postings.ts), so the outcome costs one round trip, not a read and then an append.
 * The database appends it only while its hold is pending, stores the hold's metadata under
 * its own (as postPending does), and refuses it when its release is not exactly the hold's
 * pending lines (constraint ledger_resolution_releases_hold), so it can never differ from
 * the resolution built from the hold itself.
 */
export interface IfHoldPending {
  ifHoldPending: JournalTransaction;
}

/** One entry of a unit: a transaction, or a resolution to append only while its hold is pending. */
export type AppendEntry = JournalTransaction | IfHoldPending;

const isIfHoldPending = (e: AppendEntry): e is IfHoldPending => 'ifHoldPending' in e;
const txOf = (e: AppendEntry): JournalTransaction => (isIfHoldPending(e) ? e.ifHoldPending : e);

/** An if-pending resolution that was not appended: the hold was resolved already (its state), or there is none. */
export interface SkippedResolution {
  outcome: 'skipped';
  tx: JournalTransaction;
  holdState: HoldState | 'none';
}

/** What an entry of a unit came to. An if-pending entry's `stored.tx` carries its own metadata, not the hold's merged in. */
export type EntryResult = AppendResult | SkippedResolution;

/** Entries appended together or not at all: a trip's completion with the capture of its card hold. */
export type AppendUnit = readonly AppendEntry[];

interface CallRow {
  isNew: boolean | null;
  seq: bigint | null;
  postedAt: Date | null;
  holdState: string | null;
}

/** The database refused a call because these ids exist with other content. */
class ExistingContentDiffers extends Error {
  constructor(readonly ids: string[]) {
    super(`ledger transactions ${ids.join(', ')} exist with other content`);
  }
}

/**
 * The journal in PostgreSQL. Appends are idempotent by transaction id (INSERT .. ON CONFLICT
 * DO NOTHING, then a content comparison); the database refuses what does not balance (a
 * deferred constraint trigger), posts in another currency than the account's (a foreign
 * key), and any UPDATE or DELETE. Balances are always sums over the postings.
 */
/** The pg pool under TypeORM: the hot statements run as named prepared statements on it. */
interface PgPool {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

@Injectable()
export class LedgerRepository {
  private readonly holdReads = new Batcher((ids: readonly string[]) => this.readHolds(ids), { maxInFlight: 2, maxBatch: 256 });

  constructor(private readonly db: DataSource) {}

  /**
   * Runs one of the hot statements (the append, the hold read) prepared: each connection
   * parses and plans it once, then only binds and executes (PostgreSQL's extended protocol).
   */
  private async prepared<R>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const pool = (this.db.driver as unknown as { master: PgPool }).master;
    return (await pool.query<R>({ name, text, values })).rows;
  }

  /**
   * Appends a checked transaction, opening its accounts on first use. A second append of the
   * same id returns the original when the content is the same and throws
   * LEDGER.IDEMPOTENCY_CONFLICT otherwise; database refusals come back as LEDGER.* errors.
   */
  async append(tx: JournalTransaction): Promise<AppendResult> {
    const [answer] = await this.appendUnits([[tx]]);
    if (!answer!.ok) throw answer!.error;
    return answer!.value[0] as AppendResult;
  }

  /**
   * Appends several units in one call when it can (a group commit), each unit atomic and
   * answered on its own: its entries' results, or the error that refused it. An id that
   * appears in two units of the batch is written once: the first unit gets `new`, the others
   * `duplicate`, or IDEMPOTENCY_CONFLICT when their content differs. When the one call
   * fails, each unit is retried alone, so an error names only the unit it belongs to.
   */
  async appendUnits(units: readonly AppendUnit[]): Promise<Array<Settled<EntryResult[]>>> {
    const answers: Array<Settled<EntryResult[]> | undefined> = units.map(() => undefined);
    const chosen = new Map<string, AppendEntry>();
    const admitted: number[] = [];
    const later: number[] = [];
    units.forEach((unit, i) => {
      try {
        // An if-pending entry's stored content is known only to the database (the hold's
        // metadata is merged in): a unit sharing an id with one goes alone, after the batch.
        if (unit.some((e) => chosen.has(txOf(e).id) && (isIfHoldPending(e) || isIfHoldPending(chosen.get(txOf(e).id)!)))) {
          later.push(i);
          return;
        }
        for (const e of unit) {
          const earlier = chosen.get(txOf(e).id);
          if (earlier) checkIdempotency(txOf(earlier), txOf(e));
        }
        for (const e of unit) if (!chosen.has(txOf(e).id)) chosen.set(txOf(e).id, e);
        admitted.push(i);
      } catch (error) {
        answers[i] = { ok: false, error };
      }
    });
    if (admitted.length === 1) {
      answers[admitted[0]!] = await this.settle(units[admitted[0]!]!);
    } else if (admitted.length > 1) {
      try {
        const stored = await this.call([...chosen.values()]);
        const claimed = new Set<string>();
        for (const i of admitted) {
          answers[i] = {
            ok: true,
            value: units[i]!.map((e) => {
              const first = !claimed.has(txOf(e).id);
              claimed.add(txOf(e).id);
              return resultOf(e, stored, first);
            }),
          };
        }
      } catch {
        // Someone in the batch was refused: find out whom, one unit at a time.
        const alone = await Promise.all(admitted.map((i) => this.settle(units[i]!)));
        admitted.forEach((i, k) => (answers[i] = alone[k]));
      }
    }
    for (const i of later) answers[i] = await this.settle(units[i]!);
    return answers as Array<Settled<EntryResult[]>>;
  }

  /** One unit in one call, with the database's refusal explained in the ledger's terms. */
  private async settle(unit: AppendUnit): Promise<Settled<EntryResult[]>> {
    try {
      const stored = await this.call(unit);
      return { ok: true, value: unit.map((e) => resultOf(e, stored, true)) };
    } catch (error) {
      return { ok: false, error: await this.explain(error, unit) };
    }
  }

  private async call(entries: readonly AppendEntry[]): Promise<Map<string, CallRow>> {
    let rows: Array<{ out_id: string; out_new: boolean | null; out_seq: string | null; out_posted_at: Date | null; out_hold_state: string | null }>;
    try {
      rows = await this.prepared('ledger_append_if_pending', APPEND, appendParameters(entries));
    } catch (error) {
      const e = error as { constraint?: string; detail?: string };
      if (e.constraint === 'ledger_transactions_idempotent') throw new ExistingContentDiffers((e.detail ?? '').split(' '));
      throw error;
    }
    return new Map(
      rows.map((r) => [
        r.out_id,
        { isNew: r.out_new, seq: r.out_seq === null ? null : BigInt(r.out_seq), postedAt: r.out_posted_at, holdState: r.out_hold_state },
      ]),
    );
  }

  /** For an id stored with other content, TigerBeetle's exists_with_different_*: which fields differ. */
  private async explain(error: unknown, unit: AppendUnit): Promise<unknown> {
    if (!(error instanceof ExistingContentDiffers)) return translate(error, unit.map(txOf));
    for (const e of unit.filter((u) => error.ids.includes(txOf(u).id))) {
      try {
        let sent = txOf(e);
        // What the database compared: the hold's metadata under the entry's own.
        if (isIfHoldPending(e) && sent.pendingId !== undefined) {
          sent = { ...sent, metadata: { ...(await this.find(sent.pendingId))?.tx.metadata, ...sent.metadata } };
        }
        checkIdempotency((await this.find(sent.id))?.tx, sent);
      } catch (conflict) {
        return conflict;
      }
    }
    return new MoneyError('LEDGER.IDEMPOTENCY_CONFLICT', error.message, { ids: error.ids });
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
  async holdState(holdId: string): Promise<HoldState | undefined> {
    const rows: Array<{ state: HoldState }> = await this.db.query(
      `SELECT coalesce(${resolutionOf('h.id')}, 'pending') AS state FROM ledger_transactions h WHERE h.id = $1 AND h.kind = 'payment.hold'`,
      [holdId],
    );
    return rows[0]?.state;
  }

  /**
   * A hold entry with its state (undefined when there is no such hold). Concurrent calls
   * share one query (each completion reads its trip's hold just before posting).
   */
  async holdWithState(holdId: string): Promise<HeldEntry | undefined> {
    return this.holdReads.submit(holdId);
  }

  private async readHolds(holdIds: readonly string[]): Promise<Array<Settled<HeldEntry | undefined>>> {
    const rows = await this.prepared<TransactionRow & { hold_state: HoldState }>('ledger_holds', READ_HOLDS, [holdIds]);
    const byId = new Map(rows.map((r) => [r.id, { hold: toStored(r), state: r.hold_state }]));
    return holdIds.map((id) => ({ ok: true, value: byId.get(id) }));
  }

  /** True when the trip's completion or cancellation fee is in the journal. */
  async tripSettled(tripId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM ledger_transactions WHERE trip_id = $1 AND kind IN ('trip.completed', 'trip.cancelled') LIMIT 1`,
      [tripId],
    );
    return rows.length > 0;
  }

  /** Holds still pending that were placed before `cutoff` (and at or after `from`, when given), oldest first. */
  async holdsPendingSince(cutoff: Date, limit: number, from?: Date): Promise<StoredTransaction[]> {
    const rows: TransactionRow[] = await this.db.query(
      `${SELECT_TRANSACTION}
        WHERE t.id IN (
          SELECT h.id FROM ledger_transactions h
           WHERE h.kind = 'payment.hold' AND h.posted_at < $1 AND h.posted_at >= coalesce($3::timestamptz, '-infinity')
             AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.pending_id = h.id)
           ORDER BY h.posted_at LIMIT $2)
        GROUP BY t.id ORDER BY t.seq`,
      [cutoff, limit, from ?? null],
    );
    return rows.map(toStored);
  }

  /** Balance of every account (or of the given accounts), summed from the postings now. */
  async balances(accountIds?: readonly string[], m: EntityManager = this.db.manager): Promise<AccountTotals[]> {
    const rows: BalanceRow[] = await m.query(
      `SELECT p.account_id, p.currency, ${TOTALS}
         FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
        WHERE $1::text[] IS NULL OR p.account_id = ANY($1)
        GROUP BY p.account_id, p.currency ORDER BY p.account_id`,
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
  async balancesBefore(accountIds: readonly string[], before: Date): Promise<AccountTotals[]> {
    const rows: BalanceRow[] = await this.db.query(
      `SELECT p.account_id, p.currency, ${TOTALS}
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

/** An entry's result from the call's rows; `first` is false for a repeat of an id earlier in the batch. */
function resultOf(e: AppendEntry, rows: ReadonlyMap<string, CallRow>, first: boolean): EntryResult {
  const tx = txOf(e);
  const row = rows.get(tx.id);
  if (!row) throw new Error(`ledger_append did not answer for ${tx.id}`);
  if (row.isNew === null) return { outcome: 'skipped', tx, holdState: row.holdState as HoldState | 'none' };
  return { outcome: row.isNew && first ? 'new' : 'duplicate', stored: { tx, seq: row.seq!, postedAt: row.postedAt! } };
}

/** PostgreSQL's refusals in the ledger's terms; anything else passes through unchanged. */
function translate(error: unknown, unit: readonly JournalTransaction[]): unknown {
  if (error instanceof MoneyError) return error;
  const e = error as { code?: string; constraint?: string; message?: string };
  const ids = unit.map((t) => t.id).join(', ');
  const named = unit.find((t) => e.message?.includes(t.id))?.id ?? ids;
  const reversal = unit.find((t) => t.reverses !== undefined);
  const resolution = unit.find((t) => t.pendingId !== undefined);
  switch (e.constraint) {
    case 'ledger_transaction_balanced':
      return new MoneyError('LEDGER.UNBALANCED', `the database refused ${named}: ${e.message}`, { id: named });
    case 'ledger_postings_account_id_currency_fkey':
      return new MoneyError('LEDGER.ACCOUNT_CURRENCY_MISMATCH', `an account of ${ids} holds another currency`, { id: ids });
    case 'ledger_transactions_one_reversal':
      return new MoneyError('LEDGER.INVALID_TRANSACTION', `${reversal?.reverses} is already reversed`, { id: reversal?.id ?? ids });
    case 'ledger_resolution_releases_hold':
      return new MoneyError('LEDGER.INVALID_PENDING', `${resolution?.id} does not release exactly what hold ${resolution?.pendingId} holds`, {
        id: resolution?.id ?? ids,
        release: 'mismatch',
      });
    case 'ledger_transactions_one_resolution':
      return new MoneyError('LEDGER.INVALID_PENDING', `hold ${resolution?.pendingId} is already resolved`, { id: resolution?.id ?? ids });
    case 'ledger_transactions_reverses_fkey':
    case 'ledger_transactions_pending_id_fkey':
      return new MoneyError('LEDGER.INVALID_TRANSACTION', `${ids} points to a transaction that does not exist`, { id: ids });
    default:
      if (e.code === '23514' && /hold .* is not pending/.test(e.message ?? '')) {
        return new MoneyError('LEDGER.INVALID_PENDING', `hold ${resolution?.pendingId} is not pending`, { id: resolution?.id ?? ids });
      }
      return error;
  }
}
