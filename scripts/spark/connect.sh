#!/usr/bin/env bash
# A real Spark Connect server on loopback for tenure's `sc://` tests (issue #15), from the pyspark
# wheel (pip `pyspark==4.3.0`, which ships the connect jar and sbin/start-connect-server.sh) on the
# machine's Java 17: `--master local[2]`, 1 GB driver ($SPARK_DRIVER_MEMORY), UI off, ANSI mode on, an
# in-memory catalog.
#
#   scripts/spark/connect.sh start DIR [PORT]   start the server (default port $SPARK_CONNECT_PORT or 55450),
#                                               its logs, pid and warehouse under DIR (a new directory);
#                                               returns once the port answers (about 7–15 s)
#   scripts/spark/connect.sh load DIR DATA      load the CSV dataset DATA through the server: tables
#                                               crm.* (typed), raw.* (every column text, as raw loads
#                                               leave them) and Parquet copies under DIR/parquet/TABLE
#   scripts/spark/connect.sh stop DIR           stop the server started under DIR and remove DIR
#
# Callers stop the server from an EXIT trap so a failing test stops it too. Test tooling only:
# tenure itself never runs Python or Java.
set -euo pipefail
cmd=${1:-}; DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { sed -n '2,15p' "$0"; exit 2; }
PY=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)

spark_home() { "$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'; }

case "$cmd" in
start)
  PORT=${3:-${SPARK_CONNECT_PORT:-55450}}
  [ ! -e "$DIR/pid" ] || { echo "connect: a server was already started under $DIR" >&2; exit 1; }
  mkdir -p "$DIR/logs" "$DIR/warehouse"
  DIR=$(cd "$DIR" && pwd)
  home=$(spark_home)
  echo "$PORT" > "$DIR/port"
  # --wait keeps the JVM in the foreground of this background job, so its pid is ours to stop.
  (cd "$DIR" && SPARK_HOME="$home" SPARK_LOG_DIR="$DIR/logs" SPARK_PID_DIR="$DIR" SPARK_NO_DAEMONIZE=1 \
     exec "$home/sbin/start-connect-server.sh" --wait --master 'local[2]' --driver-memory "${SPARK_DRIVER_MEMORY:-1g}" \
       --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$PORT" \
       --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false \
       --conf spark.sql.ansi.enabled=true --conf spark.sql.shuffle.partitions=4 \
       --conf spark.sql.catalogImplementation=in-memory --conf spark.sql.warehouse.dir="$DIR/warehouse" \
       --conf spark.driver.extraJavaOptions=-Dderby.system.home="$DIR" \
       > "$DIR/logs/server.out" 2>&1) &
  echo $! > "$DIR/pid"
  for _ in $(seq 1 240); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "connect: Spark Connect on sc://127.0.0.1:$PORT"; exit 0; fi
    if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
      echo "connect: the server exited while starting:" >&2; tail -30 "$DIR/logs/server.out" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "connect: no answer on port $PORT after 120 s:" >&2; tail -30 "$DIR/logs/server.out" >&2; exit 1 ;;
load)
  DATA=${3:?load DIR DATA}
  "$PY" "$HERE/load-connect.py" "sc://127.0.0.1:$(cat "$DIR/port")" "$DATA" "$(cd "$DIR" && pwd)/parquet" ;;
stop)
  [ -d "$DIR" ] || exit 0
  DIR=$(cd "$DIR" && pwd)
  if [ -e "$DIR/pid" ]; then
    pid=$(cat "$DIR/pid")
    # the job's children: spark-submit's JVM
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true
  fi
  # a JVM whose parent already went: find it by its warehouse directory
  pkill -KILL -f "spark.sql.warehouse.dir=$DIR/warehouse" 2>/dev/null || true
  rm -rf "$DIR" ;;
*) echo "connect: unknown command $cmd (start, load, stop)" >&2; exit 2 ;;
esac
