#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh machine (nothing for `swift test` itself):
#   - Debian `chromium`, to render report.html to a PNG (scripts/e2e/80-report.sh);
#   - pip `nbformat nbclient ipykernel pandas`, to validate and execute report.ipynb;
#   - Debian `postgresql` + `postgresql-contrib` (postgres_fdw) and pip `duckdb sqlglot`, for warehouse
#     mode against real servers and engines (scripts/e2e/85-warehouse.sh, scripts/pg/cluster.sh);
#   - pip `pyspark==4.3.0` and Java 17, to run the emitted spark SQL (scripts/spark/run-emitted.py) and a
#     Spark Connect server for `sc://` (scripts/spark/connect.sh), with the Connect client's pyarrow,
#     grpcio, grpcio-status, googleapis-common-protos and zstandard to load data through it.
# Quick when everything is present: it only checks, and installs what is missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- Debian packages --------------------------------------------------------------------------
deb_missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  deb_missing+=(chromium)
fi
# fonts so the rendered page has real glyphs (chromium pulls a minimal set; DejaVu covers the rest)
if ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then deb_missing+=(fonts-dejavu-core); fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then deb_missing+=(postgresql); fi
if ! ls /usr/share/postgresql/*/extension/postgres_fdw.control >/dev/null 2>&1; then deb_missing+=(postgresql-contrib); fi
# Java 17 for the local Spark that runs the emitted spark SQL
if ! command -v java >/dev/null 2>&1; then deb_missing+=(openjdk-17-jre-headless); fi
if [ "${#deb_missing[@]}" -gt 0 ]; then
  echo "install-test-deps: apt-get install ${deb_missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${deb_missing[@]}" >/dev/null
fi

# --- Python packages --------------------------------------------------------------------------
PY=${PYTHON:-python3}
if ! "$PY" -c "import nbformat, nbclient, ipykernel, pandas" >/dev/null 2>&1; then
  echo "install-test-deps: pip install nbformat nbclient ipykernel pandas"
  "$PY" -m pip install -q --disable-pip-version-check nbformat nbclient ipykernel pandas
fi
if ! "$PY" -c "import duckdb, sqlglot" >/dev/null 2>&1; then
  echo "install-test-deps: pip install duckdb sqlglot"
  "$PY" -m pip install -q --disable-pip-version-check duckdb sqlglot
fi
# pyspark 4.3 (Spark with its Connect server, ANSI mode by default) runs the emitted spark SQL
if ! "$PY" -c "import pyspark, sys; sys.exit(0 if pyspark.__version__ == '4.3.0' else 1)" >/dev/null 2>&1; then
  echo "install-test-deps: pip install pyspark==4.3.0"
  "$PY" -m pip install -q --disable-pip-version-check pyspark==4.3.0
fi
if ! "$PY" -c "import pyarrow, grpc, grpc_status, google.rpc, zstandard" >/dev/null 2>&1; then
  echo "install-test-deps: pip install pyarrow grpcio grpcio-status googleapis-common-protos zstandard"
  "$PY" -m pip install -q --disable-pip-version-check pyarrow grpcio grpcio-status googleapis-common-protos zstandard
fi
# nbclient needs a registered python3 kernel
if ! "$PY" -c "from jupyter_client.kernelspec import KernelSpecManager as K; K().get_kernel_spec('python3')" >/dev/null 2>&1; then
  "$PY" -m ipykernel install --user --name python3 >/dev/null
fi
exit 0
