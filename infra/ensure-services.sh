#!/usr/bin/env bash
# Make sure the PostgreSQL (>= 13) and Redis (>= 6) that the project uses are up, and that the
# application database exists. Idempotent, and quiet unless it has to do something.
#
#   DATABASE_URL  default postgres://postgres@127.0.0.1:5432/coop
#   REDIS_URL     default redis://127.0.0.1:6379
#   ENSURE_SERVICES_WAIT  seconds to wait for services to answer after starting them (default 30)
#
# In order, per service: already answering -> say so; installed but stopped -> start it
# (Homebrew services on macOS, systemctl where systemd runs, else pg_ctlcluster / a daemonized
# redis-server); not installed on Debian/Ubuntu as root or with passwordless sudo -> apt-get
# install, then start; otherwise print what to run and exit 1. Services on a host other than
# this one are only waited for, never started.
# shellcheck disable=SC2016  # the single-quoted bash and node snippets expand their own args
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coop}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
WAIT_SECONDS=${ENSURE_SERVICES_WAIT:-30}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf 'ensure-services: %s\n' "$*"; }
die() { printf 'ensure-services: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
urldecode() { printf '%b' "${1//%/\\x}"; }
# Bound a command that might hang on an unreachable host (macOS has no `timeout`).
bounded() { local secs=$1; shift; if have timeout; then timeout "$secs" "$@"; else "$@"; fi; }

# --- URLs --------------------------------------------------------------------------------
# scheme://[user[:password]@]host[:port][/path][?query]; sets U_BASE (scheme://authority, kept
# as written so its encoding survives), U_USER, U_PASS, U_HOST, U_PORT, U_PATH, U_QUERY.
parse_url() {
  local re='^(([a-z][a-z0-9+.-]*)://(([^:@/]*)(:([^@/]*))?@)?(\[[^]/]+\]|[^:/?]*)(:([0-9]+))?)(/([^?]*))?(\?(.*))?$'
  [[ $1 =~ $re ]] || return 1
  U_BASE=${BASH_REMATCH[1]}
  U_USER=$(urldecode "${BASH_REMATCH[4]}")
  U_PASS=$(urldecode "${BASH_REMATCH[6]}")
  U_HOST=${BASH_REMATCH[7]#[}; U_HOST=${U_HOST%]}
  U_PORT=${BASH_REMATCH[9]}
  U_PATH=$(urldecode "${BASH_REMATCH[11]}")
  U_QUERY=${BASH_REMATCH[13]}
}

parse_url "$DATABASE_URL" || die "cannot parse DATABASE_URL ($DATABASE_URL)"
PG_BASE=$U_BASE PG_USER=${U_USER:-postgres} PG_PASS=$U_PASS PG_HOST=${U_HOST:-127.0.0.1}
PG_PORT=${U_PORT:-5432} PG_DB=${U_PATH:-${U_USER:-postgres}} PG_QUERY=$U_QUERY
parse_url "$REDIS_URL" || die "cannot parse REDIS_URL ($REDIS_URL)"
R_USER=$U_USER R_PASS=$U_PASS R_HOST=${U_HOST:-127.0.0.1} R_PORT=${U_PORT:-6379}

# DATABASE_URL with another database name (the maintenance database for CREATE DATABASE).
pg_url_for() { printf '%s/%s%s' "$PG_BASE" "$1" "${PG_QUERY:+?$PG_QUERY}"; }

is_local() {
  case $1 in
    localhost | 127.* | ::1 | 0.0.0.0 | "$(hostname 2>/dev/null || echo localhost)") return 0 ;;
    *) return 1 ;;
  esac
}

# --- Probes ------------------------------------------------------------------------------
tcp_open() { bounded 3 bash -c ': >"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

pg_up() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

redis_up() {
  if have redis-cli; then
    local env=()
    [[ -n $R_PASS ]] && env=("REDISCLI_AUTH=$R_PASS")
    [[ $(bounded 3 env ${env[@]+"${env[@]}"} redis-cli -h "$R_HOST" -p "$R_PORT" ${R_USER:+--user "$R_USER"} \
      ping 2>/dev/null) == PONG ]]
  else
    # RESP over bash's /dev/tcp: optional AUTH, then PING; the last reply must be +PONG.
    bounded 3 bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      if [[ -n $4 ]]; then
        if [[ -n $3 ]]; then printf "*3\r\n\$4\r\nAUTH\r\n\$%d\r\n%s\r\n\$%d\r\n%s\r\n" "${#3}" "$3" "${#4}" "$4" >&3
        else printf "*2\r\n\$4\r\nAUTH\r\n\$%d\r\n%s\r\n" "${#4}" "$4" >&3; fi
        read -r -t 2 reply <&3 || exit 1
      fi
      printf "*1\r\n\$4\r\nPING\r\n" >&3
      read -r -t 2 reply <&3 && [[ ${reply%$'\''\r'\''} == +PONG ]]
    ' _ "$R_HOST" "$R_PORT" "$R_USER" "$R_PASS" 2>/dev/null
  fi
}

# --- Platform ----------------------------------------------------------------------------
is_macos() { [[ $(uname -s) == Darwin ]]; }
is_debian() { [[ -f /etc/debian_version ]] && have apt-get; }
systemd_running() { [[ -d /run/systemd/system ]] && have systemctl; }
SUDO=()
can_root() {
  if [[ $EUID -eq 0 ]]; then SUDO=(); return 0; fi
  if have sudo && sudo -n true 2>/dev/null; then SUDO=(sudo -n); return 0; fi
  return 1
}
as_root() { ${SUDO[@]+"${SUDO[@]}"} "$@"; }   # (the +-form: bash 3.2 on macOS)

brew_formula() { brew list --formula 2>/dev/null | grep -E "^$1(@[0-9.]+)?\$" | sort -V | tail -n 1; }
pg_server_versions() { printf '%s\n' /usr/lib/postgresql/*/bin/postgres | grep -v '\*' | awk -F/ '{print $5}' | sort -n; }

pg_installed() {
  if is_macos && have brew; then [[ -n $(brew_formula postgresql) ]]; return; fi
  [[ -n $(pg_server_versions) ]] || have pg_ctl || have postgres
}
redis_installed() {
  if is_macos && have brew; then [[ -n $(brew_formula redis) ]]; return; fi
  have redis-server
}

# Debian clusters: "version name" of the cluster on PG_PORT, if any.
pg_cluster_on_port() { pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }'; }
pg_cluster_list() { pg_lsclusters -h 2>/dev/null | awk '{ print $1, $2 }'; }

PG_CREATED_CLUSTER=""   # "version name" when this run created the cluster (apt's postinst or us)

# Only for a cluster this script created: libpq connects over TCP from 127.0.0.1 without a
# password, like the socket's peer auth but for any local user. That is fine for a development
# or CI database that nothing else uses; a cluster someone already had keeps its own rules
# (we print how to connect to it instead), since trust opens every database in it to every
# local process.
pg_trust_localhost() {
  local hba=/etc/postgresql/$1/$2/pg_hba.conf marker='# ensure-services.sh: local trust'
  as_root grep -qF "$marker" "$hba" && return 0
  log "PostgreSQL $1/$2: cluster created here, allowing passwordless TCP from localhost in $hba"
  { printf '%s (this script created the cluster, for development only)\n' "$marker"
    printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n\n'
    as_root cat "$hba"; } >"${TMPDIR:-/tmp}/pg_hba.$$"
  as_root tee "$hba" <"${TMPDIR:-/tmp}/pg_hba.$$" >/dev/null   # keeps owner and mode
  rm -f "${TMPDIR:-/tmp}/pg_hba.$$"
  if pg_lsclusters -h | awk -v v="$1" -v n="$2" '$1 == v && $2 == n && $4 == "online" { f = 1 } END { exit !f }'; then
    as_root pg_ctlcluster "$1" "$2" reload
  fi
}

start_postgres() {
  if is_macos && have brew; then
    local f; f=$(brew_formula postgresql)
    log "PostgreSQL not answering on $PG_HOST:$PG_PORT: brew services start $f"
    brew services start "$f" >/dev/null
  elif have pg_lsclusters && [[ -n $(pg_server_versions) ]]; then   # Debian/Ubuntu
    can_root || return 1
    local cluster; cluster=$(pg_cluster_on_port)
    if [[ -z $cluster ]]; then
      local ver name=main; ver=$(pg_server_versions | tail -n 1)
      [[ -d /etc/postgresql/$ver/main ]] && name=coop
      log "PostgreSQL: no cluster on port $PG_PORT, creating $ver/$name"
      as_root pg_createcluster --port "$PG_PORT" "$ver" "$name" >/dev/null
      cluster="$ver $name"; PG_CREATED_CLUSTER=$cluster
      pg_trust_localhost "$ver" "$name"
    fi
    if systemd_running; then
      log "PostgreSQL not answering on $PG_HOST:$PG_PORT: systemctl start postgresql@${cluster/ /-}"
      as_root systemctl start "postgresql@${cluster/ /-}"
    else
      log "PostgreSQL not answering on $PG_HOST:$PG_PORT: pg_ctlcluster $cluster start"
      as_root pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" start
    fi
  elif systemd_running; then
    can_root || return 1
    log "PostgreSQL not answering on $PG_HOST:$PG_PORT: systemctl start postgresql"
    as_root systemctl start postgresql
  else
    return 1
  fi
}

start_redis() {
  if is_macos && have brew; then
    log "Redis not answering on $R_HOST:$R_PORT: brew services start redis"
    brew services start "$(brew_formula redis)" >/dev/null
  elif systemd_running && can_root; then
    local unit=redis-server
    systemctl cat redis-server.service >/dev/null 2>&1 || unit=redis
    log "Redis not answering on $R_HOST:$R_PORT: systemctl start $unit"
    as_root systemctl start "$unit"
  else
    # No service manager: a daemonized redis-server that keeps nothing on disk.
    local dir=/var/lib/redis logdir=/var/log/redis
    if can_root; then
      as_root mkdir -p "$dir" "$logdir"
    else   # anyone may run redis-server; keep its files in the user's own state dir
      dir=${XDG_STATE_HOME:-$HOME/.local/state}/coop-redis logdir=$dir
      mkdir -p "$dir"
    fi
    log "Redis not answering on $R_HOST:$R_PORT: starting redis-server on port $R_PORT"
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$R_PORT" --save "" \
      --appendonly no --dir "$dir" --logfile "$logdir/ci.log" >/dev/null
  fi
}

install_debian() { # packages...
  log "installing $* with apt-get (this takes a minute)"
  local before; before=$(pg_cluster_list)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" </dev/null >/dev/null
  # The postgresql package's postinst creates a "main" cluster; it is ours if it is new.
  local after; after=$(pg_cluster_list)
  if [[ -n $after ]]; then
    local c; c=$(pg_cluster_on_port)
    if [[ -n $c ]] && ! grep -qxF "$c" <<<"$before"; then PG_CREATED_CLUSTER=$c; pg_trust_localhost "${c% *}" "${c#* }"; fi
  fi
}

how_to_install() {
  local what=$1
  {
    echo "ensure-services: $what, and this script cannot fix that here. Run:"
    if is_macos; then
      echo "  brew install postgresql@16 redis && brew services start postgresql@16 && brew services start redis"
      echo "  createuser -s postgres   # Homebrew's superuser is your login name; the default DATABASE_URL uses postgres"
    elif is_debian; then
      echo "  sudo apt-get update && sudo apt-get install -y postgresql redis-server"
      echo "  sudo bash infra/ensure-services.sh   # starts them and creates the database"
    elif have dnf; then
      echo "  sudo dnf install -y postgresql-server redis && sudo postgresql-setup --initdb"
      echo "  sudo systemctl enable --now postgresql redis"
    elif have pacman; then
      echo "  sudo pacman -S --needed postgresql redis"
      echo "  sudo -u postgres initdb -D /var/lib/postgres/data && sudo systemctl enable --now postgresql redis"
    elif have apk; then
      echo "  sudo apk add postgresql redis && sudo rc-service postgresql setup && sudo rc-service postgresql start && sudo rc-service redis start"
    fi
    echo "or, with Docker: docker compose -f infra/docker-compose.yml up -d postgres redis"
    echo "then run this script again (DATABASE_URL=$DATABASE_URL, REDIS_URL=$REDIS_URL)."
  } >&2
  exit 1
}

# --- Bring them up -----------------------------------------------------------------------
need_wait=0
pg_was_up=0 redis_was_up=0
pg_up && pg_was_up=1
redis_up && redis_was_up=1

if [[ $pg_was_up == 0 || $redis_was_up == 0 ]]; then
  missing=()
  [[ $pg_was_up == 0 ]] && is_local "$PG_HOST" && ! pg_installed && missing+=(postgresql)
  [[ $redis_was_up == 0 ]] && is_local "$R_HOST" && ! redis_installed && missing+=(redis-server)
  if [[ ${#missing[@]} -gt 0 ]]; then
    if is_debian && can_root; then
      install_debian "${missing[@]}"
    else
      how_to_install "not installed: ${missing[*]}"
    fi
  fi

  if [[ $pg_was_up == 0 ]]; then
    # apt's postinst may already have started what it installed.
    if pg_up; then :
    elif ! is_local "$PG_HOST"; then log "PostgreSQL on $PG_HOST:$PG_PORT not answering yet; waiting (it is not on this machine)"
    else start_postgres || how_to_install "PostgreSQL is installed but stopped, and starting it needs root"
    fi
    need_wait=1
  fi
  if [[ $redis_was_up == 0 ]]; then
    if redis_up; then :
    elif ! is_local "$R_HOST"; then log "Redis on $R_HOST:$R_PORT not answering yet; waiting (it is not on this machine)"
    else start_redis || how_to_install "Redis is installed but stopped, and could not be started"
    fi
    need_wait=1
  fi
fi

if [[ $need_wait == 1 ]]; then
  deadline=$((SECONDS + WAIT_SECONDS))
  until pg_up && redis_up; do
    if ((SECONDS >= deadline)); then
      pg_up || log "PostgreSQL still not answering on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s (log: /var/log/postgresql/)"
      redis_up || log "Redis still not answering on $R_HOST:$R_PORT after ${WAIT_SECONDS}s"
      exit 1
    fi
    sleep 0.5
  done
fi
if [[ $pg_was_up == 1 ]]; then log "PostgreSQL reachable at $PG_HOST:$PG_PORT"; else log "PostgreSQL up at $PG_HOST:$PG_PORT"; fi
if [[ $redis_was_up == 1 ]]; then log "Redis reachable at $R_HOST:$R_PORT"; else log "Redis up at $R_HOST:$R_PORT"; fi

# --- Versions and the application database -----------------------------------------------
if have redis-cli; then
  renv=()
  [[ -n $R_PASS ]] && renv=("REDISCLI_AUTH=$R_PASS")
  rver=$(env ${renv[@]+"${renv[@]}"} redis-cli -h "$R_HOST" -p "$R_PORT" ${R_USER:+--user "$R_USER"} info server 2>/dev/null |
    tr -d '\r' | sed -n 's/^redis_version://p')
  [[ -z $rver || ${rver%%.*} -ge 6 ]] || die "Redis $rver at $R_HOST:$R_PORT is too old: the project needs Redis >= 6"
fi

sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

# A cluster we created has only the postgres superuser; give DATABASE_URL's user a login.
if [[ -n $PG_CREATED_CLUSTER && $PG_USER != postgres ]] && have psql; then
  su_url="postgres://postgres@$PG_HOST:$PG_PORT/postgres"
  if [[ -z $(psql "$su_url" -XtAc "SELECT 1 FROM pg_roles WHERE rolname = $(sql_literal "$PG_USER")") ]]; then
    log "PostgreSQL: creating role $PG_USER"
    psql "$su_url" -Xq -v ON_ERROR_STOP=1 -c "CREATE ROLE $(sql_ident "$PG_USER") LOGIN CREATEDB${PG_PASS:+ PASSWORD $(sql_literal "$PG_PASS")}"
  fi
fi

auth_help() {
  cat >&2 <<EOF
ensure-services: cannot query PostgreSQL as '$PG_USER' with DATABASE_URL: $1
  If that is an authentication failure: this script leaves the authentication of a cluster it
  did not create alone. Either give the user a password and put it in the URL:
    sudo -u postgres psql -c "ALTER USER $PG_USER PASSWORD 'devpass'"
    export DATABASE_URL=postgres://$PG_USER:devpass@$PG_HOST:$PG_PORT/$PG_DB
  or, for a development-only cluster, allow trust from localhost in pg_hba.conf:
    host all all 127.0.0.1/32 trust
EOF
  exit 1
}

if have psql; then
  maint=$(pg_url_for postgres)
  out=$(psql "$maint" -XtA -v ON_ERROR_STOP=1 \
    -c "SHOW server_version_num" \
    -c "SELECT count(*) FROM pg_database WHERE datname = $(sql_literal "$PG_DB")" 2>&1) ||
    auth_help "$(head -n 1 <<<"$out")"
  { read -r pgver; read -r exists; } <<<"$out"
  ((pgver >= 130000)) || die "PostgreSQL server $pgver at $PG_HOST:$PG_PORT is too old: the project needs >= 13"
  if [[ $exists == 0 ]]; then
    log "PostgreSQL: creating database $PG_DB"
    psql "$maint" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $(sql_ident "$PG_DB")"
  fi
elif have node && (cd "$REPO_ROOT" && node -e 'require.resolve("pg")' 2>/dev/null); then
  # No psql client here: the same check through the project's own driver.
  (cd "$REPO_ROOT" && MAINT_URL=$(pg_url_for postgres) DB=$PG_DB node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.env.MAINT_URL });
      await c.connect();
      const v = Number((await c.query("SHOW server_version_num")).rows[0].server_version_num);
      if (v < 130000) throw new Error(`PostgreSQL server ${v} is too old: the project needs >= 13`);
      const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [process.env.DB]);
      if (r.rowCount === 0) {
        console.log(`ensure-services: PostgreSQL: creating database ${process.env.DB}`);
        await c.query(`CREATE DATABASE "${process.env.DB.replace(/"/g, "\"\"")}"`);
      }
      await c.end();
    })().catch((e) => { console.error(`ensure-services: ${e.message}`); process.exit(1); });
  ')
else
  log "neither psql nor the project's pg driver is available: not checking that database $PG_DB exists"
fi
