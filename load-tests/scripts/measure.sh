#!/usr/bin/env bash
# The recorded runs of load-tests/RESULTS.md, in one session: builds $REF (default HEAD; git
# archive, so nobody's uncommitted work is measured) into $BUILD, seeds the members into $DB, then
#   friday  10,000 drivers (LeanSocket bots), 50 requests/s for 5 min, one node, baselines in the same run
#   friday-diag  the same for a 60 s window without baselines: one side of an old-against-new pair
#           (REF=<old> BUILD=/tmp/old DB=coop_old_load, then the new one into others)
#   search  the city scenario's rate stepped up, on one node, then on two (ratio = capacity)
#   kill    the city scenario on two nodes, node B SIGKILLed 30 s into the window
#   compare the same search with p99 under 1 s as the mark, one node then two
# Usage: load-tests/scripts/measure.sh [kill] [search] [friday] [compare]   (default: the first three)
# Only 127.0.0.1; every node and the baseline server are stopped when a run ends.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-/tmp/h3-build}
DB=${DB:-coop_h3_load}
REF=${REF:-HEAD}
OUT=${OUT:-$ROOT/load-tests/results}
PORT=${PORT_BASE:-3401}
STEPS=("$@"); [ ${#STEPS[@]} -eq 0 ] && STEPS=(kill search friday)

export ADMIN_EMAIL=admin@coop.local ADMIN_PASSWORD=demo-admin-password LOG_LEVEL=warn
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB

echo "== build $(git -C "$ROOT" rev-parse --short "$REF") into $BUILD"
rm -rf "$BUILD" && mkdir -p "$BUILD"
git -C "$ROOT" archive "$REF" apps libs load-tests .swcrc package.json | tar -x -C "$BUILD"
ln -s "$ROOT/node_modules" "$BUILD/node_modules"
(cd "$BUILD" && npx swc apps libs load-tests -d dist --config-file .swcrc \
  --ignore "**/*.spec.ts,**/*.int-spec.ts,**/test/**,**/bench/**,**/test-fixtures.ts,apps/web/**" >/dev/null)
SERVER=$BUILD/dist/apps/server/src/main.js
# The reports name the commit built here, not whatever the checkout's HEAD is when they are written.
export LOAD_SYSTEM_COMMIT=$(git -C "$ROOT" rev-parse --short "$REF")

# The seeder writes members into the schema: create and migrate the database first.
node "$BUILD/dist/libs/platform/src/database/migrate.cli.js"
load() { (cd "$ROOT" && npm run --silent load -- "$@" --server "$SERVER" --base-port "$PORT" --out "$OUT") || true; }
seed() { (cd "$ROOT" && npm run --silent load:seed -- "$@"); }

for step in "${STEPS[@]}"; do
  echo "== $step $(date -u +%H:%M:%S) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  case $step in
    compare)
      # One node against two with a mark this shared machine can reach (p99 under 1 s): where each breaks.
      seed city --database-url "$DATABASE_URL" --drivers 1000 --riders 3000 --out /tmp/h3-members-city.json
      for n in 1 2; do
        REDIS_PREFIX=h3-compare$n load search city --nodes $n --drivers 300 --members /tmp/h3-members-city.json \
          --rates 1,2,4,8,16,32 --step-seconds 20 --budget-minutes 5 --p99-limit 1000
      done ;;
    friday)
      seed friday --database-url "$DATABASE_URL" --out /tmp/h3-members-friday.json
      REDIS_PREFIX=h3-friday-$(date +%s) load friday --nodes 1 --members /tmp/h3-members-friday.json --setup-minutes 5 --driver-client lean ;;
    friday-diag)
      seed friday --database-url "$DATABASE_URL" --out "/tmp/members-friday-$DB.json"
      REDIS_PREFIX=diag-$(date +%s) load friday --nodes 1 --members "/tmp/members-friday-$DB.json" --setup-minutes 5 \
        --driver-client lean --duration 60 --no-baselines ;;
    search)
      seed city --database-url "$DATABASE_URL" --drivers 1000 --riders 3000 --out /tmp/h3-members-city.json
      for n in 1 2; do
        # 300 drivers: at 1,000 (250 fixes/s) one node's fix acks timed out at the first step.
        REDIS_PREFIX=h3-search$n load search city --nodes $n --drivers 300 --members /tmp/h3-members-city.json \
          --rates 1,2,3,5,8,12,20 --step-seconds 20 --budget-minutes 5
      done ;;
    kill)
      seed city --database-url "$DATABASE_URL" --drivers 1000 --riders 3000 --out /tmp/h3-members-city.json
      REDIS_PREFIX=h3-kill load city --nodes 2 --drivers 300 --members /tmp/h3-members-city.json --kill-node-at 30 ;;
  esac
done
echo "== done $(date -u +%H:%M:%S) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
