import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's append as one function call: any number of journal entries (a group commit of
 * concurrent postings, or a completion with its card capture) in one statement, one round
 * trip and one commit. PL/pgSQL caches the plans of its statements per session, so the call
 * is parsed and planned once per connection.
 *
 * `ledger_append` inserts each entry whose id is new (INSERT .. ON CONFLICT (id) DO NOTHING,
 * in id order so two batches lock shared ids in the same order), then the accounts and
 * postings of the new entries only, then the two-phase state rows the kinds imply (a hold is
 * `pending`; a capture `posted`, a void `voided`, each against its hold). An id that exists
 * already must hold the same content (kind, metadata, reverses, pending id, postings), or the
 * whole call fails with constraint `ledger_transactions_idempotent` naming the ids in DETAIL:
 * TigerBeetle's `exists_with_different_*`, decided inside the database so no entry of a batch
 * is kept when another one of it is refused. Each statement of the function takes a fresh
 * snapshot (READ COMMITTED), so it sees an entry a concurrent append committed while this one
 * waited on its unique key.
 *
 * The function adds no guarantee of its own: balance, append-only, one currency per account,
 * one resolution per hold stay with the tables' triggers and constraints (1763900000100).
 *
 * Also: an index for the job that voids holds left pending too long.
 */
export class LedgerAppendBatch1763900000800 implements MigrationInterface {
  name = 'LedgerAppendBatch1763900000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION ledger_append(
        tx_ids text[], tx_kinds text[], tx_metadata jsonb[], tx_reverses text[], tx_pending_ids text[],
        line_tx_ids text[], line_indexes int[], line_accounts text[], line_currencies text[], line_amounts bigint[],
        line_pending boolean[], line_account_kinds text[], line_members text[]
      ) RETURNS TABLE (out_id text, out_new boolean, out_seq bigint, out_posted_at timestamptz)
      LANGUAGE plpgsql AS $$
      DECLARE
        new_ids text[];
        conflicting text[];
      BEGIN
        WITH t AS (
          INSERT INTO ledger_transactions AS lt (id, kind, metadata, reverses, pending_id)
          SELECT i.id, i.kind, i.metadata, i.reverses, i.pending_id
            FROM unnest(tx_ids, tx_kinds, tx_metadata, tx_reverses, tx_pending_ids) AS i(id, kind, metadata, reverses, pending_id)
           ORDER BY i.id
          ON CONFLICT (id) DO NOTHING
          RETURNING lt.id)
        SELECT coalesce(array_agg(t.id), '{}') INTO new_ids FROM t;

        IF cardinality(new_ids) > 0 THEN
          INSERT INTO ledger_accounts (id, currency, kind, member_id)
          SELECT DISTINCT ON (l.account) l.account, l.currency, l.kind, l.member
            FROM unnest(line_tx_ids, line_accounts, line_currencies, line_account_kinds, line_members) AS l(tx, account, currency, kind, member)
           WHERE l.tx = ANY (new_ids)
           ORDER BY l.account
          ON CONFLICT (id) DO NOTHING;

          INSERT INTO ledger_postings (transaction_id, index, account_id, currency, amount, pending)
          SELECT l.tx, l.idx, l.account, l.currency, l.amount, l.pending
            FROM unnest(line_tx_ids, line_indexes, line_accounts, line_currencies, line_amounts, line_pending)
                 AS l(tx, idx, account, currency, amount, pending)
           WHERE l.tx = ANY (new_ids);

          -- A hold's pending row goes in before a resolution of it in the same call.
          INSERT INTO ledger_hold_states (hold_id, state, transaction_id)
          SELECT coalesce(i.pending_id, i.id),
                 CASE i.kind WHEN 'payment.hold' THEN 'pending' WHEN 'payment.capture' THEN 'posted' ELSE 'voided' END,
                 i.id
            FROM unnest(tx_ids, tx_kinds, tx_pending_ids) AS i(id, kind, pending_id)
           WHERE i.kind IN ('payment.hold', 'payment.capture', 'payment.void') AND i.id = ANY (new_ids)
           ORDER BY i.kind <> 'payment.hold';
        END IF;

        IF cardinality(new_ids) < cardinality(tx_ids) THEN
          SELECT array_agg(i.id ORDER BY i.id) INTO conflicting
            FROM unnest(tx_ids, tx_kinds, tx_metadata, tx_reverses, tx_pending_ids) AS i(id, kind, metadata, reverses, pending_id)
            JOIN ledger_transactions s ON s.id = i.id
           WHERE NOT i.id = ANY (new_ids)
             AND ((s.kind, s.metadata, s.reverses, s.pending_id) IS DISTINCT FROM (i.kind, i.metadata, i.reverses, i.pending_id)
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

        RETURN QUERY
          SELECT s.id, s.id = ANY (new_ids), s.seq, s.posted_at FROM ledger_transactions s WHERE s.id = ANY (tx_ids);
      END $$`);
    // The expiry job looks for pending rows older than its cutoff.
    await db.query(`CREATE INDEX ledger_hold_states_pending_by_time ON ledger_hold_states (at) WHERE state = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ledger_hold_states_pending_by_time`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_append(text[], text[], jsonb[], text[], text[], text[], int[], text[], text[], bigint[], boolean[], text[], text[])`);
  }
}
