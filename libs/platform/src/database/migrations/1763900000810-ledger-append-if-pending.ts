import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The completion's card capture without reading the hold first (one round trip instead of
 * two), and a release that must match its hold, enforced by the database.
 *
 * - `ledger_append` gains `tx_if_pending`: an entry so marked is a resolution (capture or
 *   void) built from the outcome event instead of from the stored hold. It is appended only
 *   if its hold exists and has no resolution yet (`ON CONFLICT DO NOTHING` on the unique
 *   `pending_id`, which also waits for a resolution in flight), else skipped, and its
 *   metadata is the hold's with its own on top (`hold.metadata || own`, as postPending
 *   builds it in libs/money), so the stored entry is the same as one built from the read
 *   hold, and a retry by either path is a duplicate. A skipped entry is answered with
 *   `out_new` NULL and the hold's state in `out_hold_state` (`none` when there is no hold).
 *   The previous 13-argument overload stays for code that still calls it.
 * - A deferred constraint trigger checks at commit that every resolution's pending lines are
 *   exactly the negation of its hold's (constraint `ledger_resolution_releases_hold`,
 *   SQLSTATE 23514), so a resolution computed from the event can never release a different
 *   amount than was held. Reconciliation re-checks this as well.
 */
/** The function as this migration created it (1763900000811 replaces its body and restores it on down). */
export const LEDGER_APPEND_IF_PENDING_810 = `
      CREATE FUNCTION ledger_append(
        tx_ids text[], tx_kinds text[], tx_metadata jsonb[], tx_reverses text[], tx_pending_ids text[], tx_if_pending boolean[],
        line_tx_ids text[], line_indexes int[], line_accounts text[], line_currencies text[], line_amounts bigint[],
        line_pending boolean[], line_account_kinds text[], line_members text[]
      ) RETURNS TABLE (out_id text, out_new boolean, out_seq bigint, out_posted_at timestamptz, out_hold_state text)
      LANGUAGE plpgsql AS $$
      DECLARE
        new_ids text[];
        conflicting text[];
        -- What each entry stores: its own metadata, or for an if-pending one the hold's under its own.
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
          SELECT array_agg(CASE WHEN i.if_pending THEN coalesce(h.metadata, '{}') || i.metadata ELSE i.metadata END ORDER BY i.n)
            INTO stored_metadata
            FROM unnest(tx_metadata, tx_pending_ids, tx_if_pending) WITH ORDINALITY AS i(metadata, pending_id, if_pending, n)
            LEFT JOIN ledger_transactions h ON i.if_pending AND h.id = i.pending_id AND h.kind = 'payment.hold';
          -- After the other entries, so a hold placed in this same call is seen. No conflict
          -- target: a taken id (a retry) and a taken pending_id (the hold is resolved) both skip.
          WITH t AS (
            INSERT INTO ledger_transactions AS lt (id, kind, metadata, reverses, pending_id)
            SELECT i.id, i.kind, i.metadata, i.reverses, i.pending_id
              FROM unnest(tx_ids, tx_kinds, stored_metadata, tx_reverses, tx_pending_ids, tx_if_pending)
                   AS i(id, kind, metadata, reverses, pending_id, if_pending)
              JOIN ledger_transactions h ON h.id = i.pending_id AND h.kind = 'payment.hold'
             WHERE i.if_pending
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
          SELECT array_agg(i.id ORDER BY i.id) INTO conflicting
            FROM unnest(tx_ids, tx_kinds, stored_metadata, tx_reverses, tx_pending_ids) AS i(id, kind, metadata, reverses, pending_id)
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
          SELECT s.id, s.id = ANY (new_ids), s.seq, s.posted_at, NULL::text FROM ledger_transactions s WHERE s.id = ANY (tx_ids)
          UNION ALL
          SELECT i.id, NULL::boolean, NULL::bigint, NULL::timestamptz,
                 coalesce((SELECT st.state FROM ledger_hold_states st WHERE st.hold_id = i.pending_id
                            ORDER BY (st.state = 'pending') LIMIT 1), 'none')
            FROM unnest(tx_ids, tx_pending_ids, tx_if_pending) AS i(id, pending_id, if_pending)
           WHERE i.if_pending AND NOT EXISTS (SELECT 1 FROM ledger_transactions s WHERE s.id = i.id);
      END $$`;

export class LedgerAppendIfPending1763900000810 implements MigrationInterface {
  name = 'LedgerAppendIfPending1763900000810';

  async up(db: QueryRunner): Promise<void> {
    await db.query(LEDGER_APPEND_IF_PENDING_810);

    await db.query(`
      CREATE FUNCTION ledger_check_release() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT array_agg(row(p.account_id, p.currency::text, -p.amount)::text ORDER BY p.account_id, p.currency, -p.amount)
              FROM ledger_postings p WHERE p.transaction_id = NEW.pending_id AND p.pending)
           IS DISTINCT FROM
           (SELECT array_agg(row(p.account_id, p.currency::text, p.amount)::text ORDER BY p.account_id, p.currency, p.amount)
              FROM ledger_postings p WHERE p.transaction_id = NEW.id AND p.pending) THEN
          RAISE EXCEPTION 'ledger transaction % does not release exactly the pending lines of hold %', NEW.id, NEW.pending_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_resolution_releases_hold';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_release AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.pending_id IS NOT NULL) EXECUTE FUNCTION ledger_check_release()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS ledger_transactions_release ON ledger_transactions`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_release()`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_append(text[], text[], jsonb[], text[], text[], boolean[], text[], int[], text[], text[], bigint[], boolean[], text[], text[])`);
  }
}
