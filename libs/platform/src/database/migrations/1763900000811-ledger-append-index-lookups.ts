import { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_APPEND_IF_PENDING_810 } from './1763900000810-ledger-append-if-pending';

/**
 * The if-pending `ledger_append` (1763900000810) with every lookup written as a per-id index
 * probe, same behaviour. PL/pgSQL caches a generic plan per statement after a few calls; in
 * it, a join of the argument arrays with ledger_transactions (or an anti-join) was planned as
 * a hash join over the whole table, so a completion whose hold was absent (which runs the
 * existence and duplicate checks) read and spilled the whole journal to temp files on every
 * call: 5x slower than a hit. Scalar subqueries and `id = ANY (array)` cannot be planned that
 * way.
 *
 * - The hold's metadata is fetched per if-pending entry; NULL marks "no hold".
 * - The ids that exist already are found with `id = ANY`, and only they are compared.
 * - The state of a skipped entry's hold comes from the one-resolution unique index, then the
 *   pending row, by key.
 */
/** The function as this migration defines it (1763900000813 changes one clause of it). */
export const LEDGER_APPEND_INDEX_LOOKUPS_811 = `
      CREATE OR REPLACE FUNCTION ledger_append(
        tx_ids text[], tx_kinds text[], tx_metadata jsonb[], tx_reverses text[], tx_pending_ids text[], tx_if_pending boolean[],
        line_tx_ids text[], line_indexes int[], line_accounts text[], line_currencies text[], line_amounts bigint[],
        line_pending boolean[], line_account_kinds text[], line_members text[]
      ) RETURNS TABLE (out_id text, out_new boolean, out_seq bigint, out_posted_at timestamptz, out_hold_state text)
      LANGUAGE plpgsql AS $$
      DECLARE
        new_ids text[];
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
          RETURNING lt.id)
        SELECT coalesce(array_agg(t.id), '{}') INTO new_ids FROM t;

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
            RETURNING lt.id)
          SELECT new_ids || coalesce(array_agg(t.id), '{}') INTO new_ids FROM t;
        END IF;

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
          SELECT s.id, s.id = ANY (new_ids), s.seq, s.posted_at, NULL::text FROM ledger_transactions s WHERE s.id = ANY (tx_ids)
          UNION ALL
          SELECT i.id, NULL::boolean, NULL::bigint, NULL::timestamptz,
                 coalesce((SELECT st.state FROM ledger_hold_states st WHERE st.hold_id = i.pending_id AND st.state <> 'pending'),
                          (SELECT st.state FROM ledger_hold_states st WHERE st.hold_id = i.pending_id AND st.state = 'pending'),
                          'none')
            FROM unnest(tx_ids, tx_pending_ids, tx_if_pending) AS i(id, pending_id, if_pending)
           WHERE i.if_pending AND NOT i.id = ANY (new_ids) AND NOT i.id = ANY (existing);
      END $$`;

export class LedgerAppendIndexLookups1763900000811 implements MigrationInterface {
  name = 'LedgerAppendIndexLookups1763900000811';

  async up(db: QueryRunner): Promise<void> {
    await db.query(LEDGER_APPEND_INDEX_LOOKUPS_811);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(LEDGER_APPEND_IF_PENDING_810.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
