-- The ledger's append of a completed trip (ledger.repository.ts APPEND, three postings, the
-- shared coop:commission account) as one pgbench transaction: the database's share of a
-- posting without Node. Used by postings.bench.ts for its "SQL only" column.
WITH ids AS (SELECT gen_random_uuid()::text AS tx, gen_random_uuid()::text AS r, gen_random_uuid()::text AS d),
t AS (
  INSERT INTO ledger_transactions (id, kind, metadata)
  SELECT 'trip:' || tx || ':completed', 'trip.completed', jsonb_build_object('tripId', tx) FROM ids
  ON CONFLICT (id) DO NOTHING RETURNING id, seq, posted_at
),
a AS (
  INSERT INTO ledger_accounts (id, currency, kind)
  SELECT x, 'CAD', 'bench' FROM ids, unnest(ARRAY['rider:' || r || ':receivable', 'driver:' || d || ':payable', 'coop:commission']) x
  WHERE EXISTS (SELECT 1 FROM t)
  ON CONFLICT (id) DO NOTHING
),
p AS (
  INSERT INTO ledger_postings (transaction_id, index, account_id, currency, amount, pending)
  SELECT t.id, i - 1, acc[i], 'CAD', amt[i], false
    FROM t, ids,
         LATERAL (SELECT ARRAY['rider:' || r || ':receivable', 'driver:' || d || ':payable', 'coop:commission'] AS acc,
                         ARRAY[1912, -1721, -191]::bigint[] AS amt) z,
         generate_series(1, 3) i
)
SELECT seq, posted_at FROM t;
