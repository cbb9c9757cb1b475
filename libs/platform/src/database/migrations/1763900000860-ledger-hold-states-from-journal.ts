import { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_APPEND_813 } from './1763900000813-ledger-append-accounts-race';

/**
 * A hold's state read from the journal itself instead of a table of its own: fewer rows,
 * indexes and triggers per completion (apps/ledger/README.md, Benchmark).
 *
 * `ledger_hold_states` (1763900000100) held, per hold, a `pending` row and at most one
 * `posted` or `voided` row. Every one of its rows repeats a journal entry: the pending row is
 * the hold (kind payment.hold), the resolution row is the capture or void whose `pending_id`
 * names the hold, and the unique index on `ledger_transactions.pending_id` already allows one
 * resolution per hold. Each completion paid for it with a heap row, four index entries, two
 * foreign-key probes and a BEFORE trigger. Now:
 *
 * - The table's content is checked to be exactly what the journal says (the migration fails
 *   otherwise), then it becomes a view of the same name and columns, derived from
 *   `ledger_transactions`: nothing is lost, and it cannot drift.
 * - What its trigger enforced (a resolution follows a pending hold) moves into the deferred
 *   release check every resolution already runs (`ledger_check_release`): `pending_id` must
 *   name an entry of kind payment.hold (SQLSTATE 23514, `hold ... is not pending`, as before).
 *   At most one resolution per hold stays with the unique index on `pending_id`.
 * - The expiry job's scan of old pending holds gets a partial index of holds by time.
 * - `ledger_append` writes no state rows, answers a skipped resolution's hold state from the
 *   journal (the one-resolution index, then the hold by id), and returns the new entries'
 *   places from their INSERT's RETURNING instead of probing them again.
 */
export const LEDGER_APPEND_860 = `
      CREATE OR REPLACE FUNCTION ledger_append(
        tx_ids text[], tx_kinds text[], tx_metadata jsonb[], tx_reverses text[], tx_pending_ids text[], tx_if_pending boolean[],
        line_tx_ids text[], line_indexes int[], line_accounts text[], line_currencies text[], line_amounts bigint[],
        line_pending boolean[], line_account_kinds text[], line_members text[]
      ) RETURNS TABLE (out_id text, out_new boolean, out_seq bigint, out_posted_at timestamptz, out_hold_state text)
      LANGUAGE plpgsql AS $$
      DECLARE
        new_ids text[];
        new_seqs bigint[];
        new_times timestamptz[];
        existing text[] := '{}';
        conflicting text[];
        -- What each entry stores: its own metadata, or for an if-pending one the hold's under
        -- its own; NULL for an if-pending one whose hold does not exist.
        stored_metadata jsonb[] := tx_metadata;
      BEGIN
        WITH t AS (
          INSERT INTO ledger_transactions AS lt (id, kind, metadata, reverses, pending_id)
          SELECT i.id, i.kind, i.metadata, i.reverses, i.pending_id
            FROM unnest(tx_ids, tx_kinds, tx_metadata, tx_reverses, tx_pending_ids, tx_if_pending)
                 AS i(id, kind, metadata, reverses, pending_id, if_pending)
           WHERE NOT i.if_pending
           ORDER BY i.id
          ON CONFLICT (id) DO NOTHING
          RETURNING lt.id, lt.seq, lt.posted_at)
        SELECT coalesce(array_agg(t.id), '{}'), coalesce(array_agg(t.seq), '{}'), coalesce(array_agg(t.posted_at), '{}')
          INTO new_ids, new_seqs, new_times FROM t;

        IF true = ANY (tx_if_pending) THEN
          SELECT array_agg(CASE WHEN i.if_pending
                                THEN (SELECT h.metadata FROM ledger_transactions h WHERE h.id = i.pending_id AND h.kind = 'payment.hold') || i.metadata
                                ELSE i.metadata END ORDER BY i.n)
            INTO stored_metadata
            FROM unnest(tx_metadata, tx_pending_ids, tx_if_pending) WITH ORDINALITY AS i(metadata, pending_id, if_pending, n);
          -- After the other entries, so a hold placed in this same call is seen. No conflict
          -- target: a taken id (a retry) and a taken pending_id (the hold is resolved) both skip.
          WITH t AS (
            INSERT INTO ledger_transactions AS lt (id, kind, metadata, reverses, pending_id)
            SELECT i.id, i.kind, i.metadata, i.reverses, i.pending_id
              FROM unnest(tx_ids, tx_kinds, stored_metadata, tx_reverses, tx_pending_ids, tx_if_pending)
                   AS i(id, kind, metadata, reverses, pending_id, if_pending)
             WHERE i.if_pending AND i.metadata IS NOT NULL
             ORDER BY i.pending_id, i.id
            ON CONFLICT DO NOTHING
            RETURNING lt.id, lt.seq, lt.posted_at)
          SELECT new_ids || coalesce(array_agg(t.id), '{}'), new_seqs || coalesce(array_agg(t.seq), '{}'),
                 new_times || coalesce(array_agg(t.posted_at), '{}')
            INTO new_ids, new_seqs, new_times FROM t;
        END IF;

        IF cardinality(new_ids) > 0 THEN
          INSERT INTO ledger_accounts (id, currency, kind, member_id)
          SELECT DISTINCT ON (l.account) l.account, l.currency, l.kind, l.member
            FROM unnest(line_tx_ids, line_accounts, line_currencies, line_account_kinds, line_members) AS l(tx, account, currency, kind, member)
           WHERE l.tx = ANY (new_ids)
             -- Only accounts not open yet reach the insert (and its id check); a race still skips.
             AND (SELECT a.id FROM ledger_accounts a WHERE a.id = l.account) IS NULL
           ORDER BY l.account
          ON CONFLICT DO NOTHING;

          INSERT INTO ledger_postings (transaction_id, index, account_id, currency, amount, pending)
          SELECT l.tx, l.idx, l.account, l.currency, l.amount, l.pending
            FROM unnest(line_tx_ids, line_indexes, line_accounts, line_currencies, line_amounts, line_pending)
                 AS l(tx, idx, account, currency, amount, pending)
           WHERE l.tx = ANY (new_ids);
        END IF;

        IF cardinality(new_ids) < cardinality(tx_ids) THEN
          SELECT coalesce(array_agg(s.id), '{}') INTO existing
            FROM ledger_transactions s WHERE s.id = ANY (tx_ids) AND NOT s.id = ANY (new_ids);
          IF cardinality(existing) > 0 THEN
            SELECT array_agg(i.id ORDER BY i.id) INTO conflicting
              FROM unnest(tx_ids, tx_kinds, stored_metadata, tx_reverses, tx_pending_ids) AS i(id, kind, metadata, reverses, pending_id)
             WHERE i.id = ANY (existing)
               AND ((SELECT row(s.kind, s.metadata, s.reverses, s.pending_id) FROM ledger_transactions s WHERE s.id = i.id)
                    IS DISTINCT FROM row(i.kind, i.metadata, i.reverses, i.pending_id)
                OR (SELECT array_agg(row(p.account_id, p.currency::text, p.amount, p.pending) ORDER BY p.index)
                      FROM ledger_postings p WHERE p.transaction_id = i.id)
                   IS DISTINCT FROM
                   (SELECT array_agg(row(l.account, l.currency, l.amount, l.pending) ORDER BY l.idx)
                      FROM unnest(line_tx_ids, line_indexes, line_accounts, line_currencies, line_amounts, line_pending)
                           AS l(tx, idx, account, currency, amount, pending)
                     WHERE l.tx = i.id));
            IF conflicting IS NOT NULL THEN
              RAISE EXCEPTION 'ledger transactions % exist with other content', conflicting
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'ledger_transactions_idempotent',
                      DETAIL = array_to_string(conflicting, ' ');
            END IF;
          END IF;
        END IF;

        RETURN QUERY
          SELECT n.id, true, n.seq, n.posted_at, NULL::text FROM unnest(new_ids, new_seqs, new_times) AS n(id, seq, posted_at)
          UNION ALL
          SELECT s.id, false, s.seq, s.posted_at, NULL::text FROM ledger_transactions s WHERE s.id = ANY (existing)
          UNION ALL
          SELECT i.id, NULL::boolean, NULL::bigint, NULL::timestamptz,
                 coalesce((SELECT CASE r.kind WHEN 'payment.capture' THEN 'posted' ELSE 'voided' END
                             FROM ledger_transactions r WHERE r.pending_id = i.pending_id),
                          (SELECT 'pending' FROM ledger_transactions h WHERE h.id = i.pending_id AND h.kind = 'payment.hold'),
                          'none')
            FROM unnest(tx_ids, tx_pending_ids, tx_if_pending) AS i(id, pending_id, if_pending)
           WHERE i.if_pending AND NOT i.id = ANY (new_ids) AND NOT i.id = ANY (existing);
      END $$`;

/** The hold states as the journal implies them: the hold is `pending`, its one resolution `posted` or `voided`. */
const HOLD_STATES_FROM_JOURNAL = `
  SELECT coalesce(t.pending_id, t.id) AS hold_id,
         CASE t.kind WHEN 'payment.hold' THEN 'pending' WHEN 'payment.capture' THEN 'posted' ELSE 'voided' END AS state,
         t.id AS transaction_id, t.posted_at AS at
    FROM ledger_transactions t
   WHERE t.kind IN ('payment.hold', 'payment.capture', 'payment.void')`;

const RELEASE_CHECK = (holdCheck: string) => `
      CREATE OR REPLACE FUNCTION ledger_check_release() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${holdCheck}
        IF (SELECT array_agg(row(p.account_id, p.currency::text, -p.amount)::text ORDER BY p.account_id, p.currency, -p.amount)
              FROM ledger_postings p WHERE p.transaction_id = NEW.pending_id AND p.pending)
           IS DISTINCT FROM
           (SELECT array_agg(row(p.account_id, p.currency::text, p.amount)::text ORDER BY p.account_id, p.currency, p.amount)
              FROM ledger_postings p WHERE p.transaction_id = NEW.id AND p.pending) THEN
          RAISE EXCEPTION 'ledger transaction % does not release exactly the pending lines of hold %', NEW.id, NEW.pending_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_resolution_releases_hold';
        END IF;
        RETURN NULL;
      END $$`;

/** A resolution resolves a hold: what ledger_hold_states' BEFORE trigger checked (same message and SQLSTATE). */
const HOLD_CHECK = `
        IF NOT EXISTS (SELECT 1 FROM ledger_transactions h WHERE h.id = NEW.pending_id AND h.kind = 'payment.hold') THEN
          RAISE EXCEPTION 'hold % is not pending', NEW.pending_id USING ERRCODE = 'check_violation';
        END IF;`;

export class LedgerHoldStatesFromJournal1763900000860 implements MigrationInterface {
  name = 'LedgerHoldStatesFromJournal1763900000860';

  async up(db: QueryRunner): Promise<void> {
    const [{ differ }] = await db.query(`
      SELECT count(*)::int AS differ FROM (
        (SELECT hold_id, state, transaction_id FROM ledger_hold_states
         EXCEPT ALL SELECT hold_id, state, transaction_id FROM (${HOLD_STATES_FROM_JOURNAL}) j)
        UNION ALL
        (SELECT hold_id, state, transaction_id FROM (${HOLD_STATES_FROM_JOURNAL}) j
         EXCEPT ALL SELECT hold_id, state, transaction_id FROM ledger_hold_states)) d`);
    if (differ !== 0) throw new Error(`1763900000860: ledger_hold_states differs from the journal in ${differ} row(s); not replacing it`);
    await db.query(RELEASE_CHECK(HOLD_CHECK));
    await db.query(LEDGER_APPEND_860);
    await db.query(`DROP TABLE ledger_hold_states`);
    await db.query(`DROP FUNCTION ledger_hold_state_follows()`);
    await db.query(`CREATE VIEW ledger_hold_states AS ${HOLD_STATES_FROM_JOURNAL}`);
    // The expiry job: holds placed before its cutoff (their resolution is a probe by pending_id).
    await db.query(`CREATE INDEX ledger_transactions_holds_by_time ON ledger_transactions (posted_at) WHERE kind = 'payment.hold'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ledger_transactions_holds_by_time`);
    await db.query(`DROP VIEW IF EXISTS ledger_hold_states`);
    // As 1763900000100 and 1763900000800 created it, filled from the journal.
    await db.query(`
      CREATE TABLE ledger_hold_states (
        hold_id text NOT NULL REFERENCES ledger_transactions(id),
        state text NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
        transaction_id text NOT NULL UNIQUE REFERENCES ledger_transactions(id),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hold_id, state),
        CHECK ((state = 'pending') = (transaction_id = hold_id))
      )`);
    await db.query(`CREATE UNIQUE INDEX ledger_hold_states_one_resolution ON ledger_hold_states (hold_id) WHERE state <> 'pending'`);
    await db.query(`CREATE INDEX ledger_hold_states_pending_by_time ON ledger_hold_states (at) WHERE state = 'pending'`);
    await db.query(`
      CREATE FUNCTION ledger_hold_state_follows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.state <> 'pending' AND NOT EXISTS (
          SELECT 1 FROM ledger_hold_states WHERE hold_id = NEW.hold_id AND state = 'pending') THEN
          RAISE EXCEPTION 'hold % is not pending', NEW.hold_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER ledger_hold_states_follow BEFORE INSERT ON ledger_hold_states
      FOR EACH ROW EXECUTE FUNCTION ledger_hold_state_follows()`);
    await db.query(`INSERT INTO ledger_hold_states (hold_id, state, transaction_id, at)
      SELECT hold_id, state, transaction_id, at FROM (${HOLD_STATES_FROM_JOURNAL}) j ORDER BY (state <> 'pending')`);
    await db.query(`CREATE TRIGGER ledger_hold_states_append_only BEFORE UPDATE OR DELETE ON ledger_hold_states
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await db.query(`CREATE TRIGGER ledger_hold_states_no_truncate BEFORE TRUNCATE ON ledger_hold_states
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await db.query(LEDGER_APPEND_813);
    await db.query(RELEASE_CHECK(''));
  }
}
