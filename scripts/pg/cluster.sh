#!/usr/bin/env bash
# Real PostgreSQL servers on loopback for tenure's warehouse tests (issue #14), from Debian's
# `postgresql` package (installed here when missing), run as the `postgres` user (initdb refuses root):
#
#   plain     one server                                   port $PG_PLAIN  (default 55432)
#   sharded   a coordinator whose `transactions` is hash-partitioned by customer_id into two
#             postgres_fdw foreign tables living on two shard servers, with
#             enable_partitionwise_aggregate = on so a GROUP BY customer_id runs on the shards
#             (as Citus would)                             ports $PG_COORD, $PG_SHARD1, $PG_SHARD2
#                                                          (default 55433, 55434, 55435)
#
#   scripts/pg/cluster.sh start DIR        initdb + start all four under DIR (a new directory)
#   scripts/pg/cluster.sh load DIR DATA    COPY the CSV dataset DATA into database `crm`, schema `crm`,
#                                          on the plain server and the sharded set; also a schema
#                                          `raw` on the plain server whose columns are all text
#                                          (LOAD_ONLY=sharded: the sharded set only)
#   scripts/pg/cluster.sh stop DIR         stop every server started under DIR and remove DIR
#
# Every server accepts the role `tenure` with password `tenure-test` (scram-sha-256 over TCP) and
# listens on 127.0.0.1 only. Callers stop the servers from an EXIT trap so a failing test stops them too.
set -euo pipefail
PG_PLAIN=${PG_PLAIN:-55432}; PG_COORD=${PG_COORD:-55433}; PG_SHARD1=${PG_SHARD1:-55434}; PG_SHARD2=${PG_SHARD2:-55435}
PASSWORD=tenure-test
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

pgbin() {
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || { echo "cluster: PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
  echo "$d"
}

install_server() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "cluster: apt-get install postgresql postgresql-contrib"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
  fi
  id postgres >/dev/null 2>&1 || { echo "cluster: no postgres user after installing postgresql" >&2; exit 1; }
}

# as_postgres CMD...: run a command as the postgres user (root: runuser; otherwise sudo -u).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
  else sudo -u postgres -- "$@"; fi
}

psql_as() { # port db sql...
  local port=$1 db=$2; shift 2
  as_postgres "$(pgbin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$port" -U postgres -d "$db" "$@"
}

start_one() { # dir name port
  local dir=$1 name=$2 port=$3 bin; bin=$(pgbin)
  local data="$dir/$name"
  as_postgres mkdir -p "$data"
  as_postgres bash -c "printf '%s\n' '$PASSWORD' > '$dir/pw'"
  as_postgres "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/pw" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/$name.initdb.log" 2>&1 \
    || { cat "$dir/$name.initdb.log" >&2; exit 1; }
  cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 40
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
enable_partitionwise_aggregate = on
enable_partitionwise_join = on
EOF
  as_postgres "$bin/pg_ctl" -D "$data" -l "$dir/$name.log" -w -t 60 start >/dev/null \
    || { cat "$dir/$name.log" >&2; exit 1; }
  psql_as "$port" postgres <<SQL
CREATE ROLE tenure LOGIN PASSWORD '$PASSWORD';
CREATE DATABASE crm OWNER tenure;
SQL
  PGPASSWORD=$PASSWORD "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U tenure -d crm -c 'CREATE SCHEMA crm' >/dev/null
}

cmd_start() {
  local dir=$1
  install_server
  [ ! -e "$dir" ] || { echo "cluster: $dir exists; give a new directory" >&2; exit 1; }
  mkdir -p "$dir"; chmod 755 "$dir"
  [ "$(id -u)" != 0 ] || chown postgres: "$dir"
  start_one "$dir" plain "$PG_PLAIN"
  start_one "$dir" shard1 "$PG_SHARD1"
  start_one "$dir" shard2 "$PG_SHARD2"
  start_one "$dir" coord "$PG_COORD"
  psql_as "$PG_COORD" crm <<SQL
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '$PG_SHARD1', dbname 'crm', fetch_size '10000');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '$PG_SHARD2', dbname 'crm', fetch_size '10000');
CREATE USER MAPPING FOR tenure SERVER shard1 OPTIONS (user 'tenure', password '$PASSWORD');
CREATE USER MAPPING FOR tenure SERVER shard2 OPTIONS (user 'tenure', password '$PASSWORD');
GRANT USAGE ON FOREIGN SERVER shard1, shard2 TO tenure;
SQL
  echo "cluster: plain :$PG_PLAIN, sharded coordinator :$PG_COORD (shards :$PG_SHARD1, :$PG_SHARD2) under $dir"
}

# The tables of SPEC §1 that the warehouse statistics read, with typed columns.
TYPED_DDL='
CREATE TABLE crm.customers (customer_id text, signup_date date, segment text, channel text,
  acquisition_cost numeric(14,2), age integer, engagement_score double precision, initiative text, "group" text);
CREATE TABLE crm.subscriptions (customer_id text, start_date date, end_date date, plan text, mrr numeric(14,2), end_reason text);
CREATE TABLE crm.surveys (customer_id text, date date, kind text, score numeric(6,2));
CREATE TABLE crm.tickets (ticket_id text, customer_id text, opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, channel text);
CREATE TABLE crm.interactions (customer_id text, "timestamp" timestamptz, channel text);
CREATE TABLE crm.leads (lead_id text, created_at date, source text, stage text, converted_at date, closed_at date, won boolean, customer_id text);
CREATE TABLE crm.marketing_spend (period text, channel text, amount numeric(14,2));'
# The tables loaded from a dataset directory (each when its CSV file is there).
TABLES="transactions customers subscriptions surveys tickets interactions leads marketing_spend"
TX_COLUMNS='customer_id text, date date, amount numeric(14,2), order_id text, segment text, channel text, product text, category text'

cmd_load() {
  local dir=$1 data=$2 bin; bin=$(pgbin)
  export PGPASSWORD=$PASSWORD
  local q=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U tenure -d crm)
  copy() { # port table file
    local cols; cols=$(head -1 "$3" | sed 's/\bgroup\b/"group"/; s/\btimestamp\b/"timestamp"/')
    "${q[@]}" -p "$1" -c "\\copy $2 ($cols) FROM '$3' WITH (FORMAT csv, HEADER true)"
  }
  # plain server: typed schema crm and all-text schema raw (LOAD_ONLY=sharded skips it: benchmarks)
  if [ "${LOAD_ONLY:-}" != sharded ]; then
  "${q[@]}" -p "$PG_PLAIN" -c "$TYPED_DDL CREATE TABLE crm.transactions ($TX_COLUMNS);"
  "${q[@]}" -p "$PG_PLAIN" -c "CREATE SCHEMA raw;
    CREATE TABLE raw.transactions (customer_id text, date text, amount text, order_id text, segment text, channel text, product text, category text);
    CREATE TABLE raw.customers (customer_id text, signup_date text, segment text, channel text, acquisition_cost text, age text, engagement_score text, initiative text, \"group\" text);
    CREATE TABLE raw.subscriptions (customer_id text, start_date text, end_date text, plan text, mrr text, end_reason text);
    CREATE TABLE raw.surveys (customer_id text, date text, kind text, score text);
    CREATE TABLE raw.tickets (ticket_id text, customer_id text, opened_at text, first_response_at text, resolved_at text, channel text);
    CREATE TABLE raw.interactions (customer_id text, \"timestamp\" text, channel text);
    CREATE TABLE raw.leads (lead_id text, created_at text, source text, stage text, converted_at text, closed_at text, won text, customer_id text);
    CREATE TABLE raw.marketing_spend (period text, channel text, amount text);"
  for t in $TABLES; do
    [ -f "$data/$t.csv" ] || continue
    copy "$PG_PLAIN" "crm.$t" "$data/$t.csv"
    copy "$PG_PLAIN" "raw.$t" "$data/$t.csv"
  done
  "${q[@]}" -p "$PG_PLAIN" -c 'ANALYZE crm.transactions; ANALYZE crm.customers; ANALYZE crm.subscriptions'
  fi
  # sharded set: partitions on the shards, foreign partitions on the coordinator. Each shard reads
  # the transactions itself (in parallel) through a hash-partitioned table of the coordinator's
  # shape, keeps its own partition and drops the other: the rows land where the coordinator's
  # routing puts them (the same hash of customer_id), without crossing postgres_fdw row by row.
  local pids=()
  for s in 1 2; do
    local port; port=$([ $s = 1 ] && echo "$PG_SHARD1" || echo "$PG_SHARD2")
    local mine=$((s - 1)) other=$((2 - s))
    if [ -f "$data/transactions.csv" ]; then
      (
        "${q[@]}" -p "$port" -c "CREATE TABLE crm.route ($TX_COLUMNS) PARTITION BY HASH (customer_id);
          CREATE TABLE crm.transactions_p$mine PARTITION OF crm.route FOR VALUES WITH (MODULUS 2, REMAINDER $mine);
          CREATE TABLE crm.route_other PARTITION OF crm.route FOR VALUES WITH (MODULUS 2, REMAINDER $other);"
        copy "$port" crm.route "$data/transactions.csv"
        "${q[@]}" -p "$port" -c "ALTER TABLE crm.route DETACH PARTITION crm.transactions_p$mine; DROP TABLE crm.route;"
      ) &
      pids+=($!)
    else
      "${q[@]}" -p "$port" -c "CREATE TABLE crm.transactions_p$mine ($TX_COLUMNS);"
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "${q[@]}" -p "$PG_COORD" -c "$TYPED_DDL
    CREATE TABLE crm.transactions ($TX_COLUMNS) PARTITION BY HASH (customer_id);
    CREATE FOREIGN TABLE crm.transactions_p0 PARTITION OF crm.transactions FOR VALUES WITH (MODULUS 2, REMAINDER 0)
      SERVER shard1 OPTIONS (schema_name 'crm', table_name 'transactions_p0');
    CREATE FOREIGN TABLE crm.transactions_p1 PARTITION OF crm.transactions FOR VALUES WITH (MODULUS 2, REMAINDER 1)
      SERVER shard2 OPTIONS (schema_name 'crm', table_name 'transactions_p1');"
  for t in $TABLES; do
    [ "$t" != transactions ] && [ -f "$data/$t.csv" ] && copy "$PG_COORD" "crm.$t" "$data/$t.csv"
  done
  "${q[@]}" -p "$PG_SHARD1" -c 'ANALYZE crm.transactions_p0'
  "${q[@]}" -p "$PG_SHARD2" -c 'ANALYZE crm.transactions_p1'
  "${q[@]}" -p "$PG_COORD" -c 'ANALYZE crm.transactions; ANALYZE crm.customers; ANALYZE crm.subscriptions'
  local n0 n1
  n0=$("${q[@]}" -p "$PG_SHARD1" -At -c 'SELECT count(*) FROM crm.transactions_p0')
  n1=$("${q[@]}" -p "$PG_SHARD2" -At -c 'SELECT count(*) FROM crm.transactions_p1')
  echo "cluster: loaded $data (transactions on the shards: $n0 + $n1 rows)"
}

cmd_stop() {
  local dir=$1 bin; bin=$(pgbin)
  [ -d "$dir" ] || return 0
  for name in coord shard1 shard2 plain; do
    [ -f "$dir/$name/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/$name" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

DIR=${2:-}
[ -z "$DIR" ] || DIR=$(realpath -m "$DIR")
case "${1:-}" in
  start) cmd_start "$DIR" ;;
  load) cmd_load "$DIR" "$(realpath "$3")" ;;
  stop) cmd_stop "$DIR" ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
