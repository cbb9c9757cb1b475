-- The ledger's append of a completed trip (ledger.repository.ts APPEND: one ledger_append
-- call, three postings, the shared coop:commission account, rider and driver accounts from
-- pools of 3000 and 300) as one pgbench transaction: the database's share of a posting
-- without Node. Used by postings.bench.ts for its optional "append SQL alone" figure (BENCH_SQL=1).
\set riderno random(1, 3000)
\set driverno random(1, 300)
SELECT a.* FROM (SELECT 'trip:' || gen_random_uuid() || ':completed' AS tx) x,
  LATERAL ledger_append(ARRAY[x.tx], ARRAY['trip.completed'], ARRAY['{"tripId":"bench"}'::jsonb], ARRAY[NULL::text], ARRAY[NULL::text],
    ARRAY[x.tx, x.tx, x.tx], ARRAY[0, 1, 2], ARRAY['rider:m' || :riderno || ':receivable', 'driver:m' || :driverno || ':payable', 'coop:commission'],
    ARRAY['CAD', 'CAD', 'CAD'], ARRAY[1912, -1721, -191]::bigint[], ARRAY[false, false, false],
    ARRAY['rider-receivable', 'driver-payable', 'coop-commission'], ARRAY[NULL, NULL, NULL]::text[]) a;
