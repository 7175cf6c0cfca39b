#!/usr/bin/env python3
"""DuckDB peer of tenure's CSV ingestion: read_csv of transactions.csv into a materialised table
(types sniffed: VARCHAR ids, DATE, DOUBLE), on 2 threads. Prints JSON: rows, read_s (in-process)."""
import json, sys, time
t0 = time.perf_counter()
import duckdb
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads = 2")
t1 = time.perf_counter()
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header = true)")
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
t2 = time.perf_counter()
types = [r[1] for r in con.execute("DESCRIBE t").fetchall()]
print(json.dumps({"rows": rows, "read_s": t2 - t1, "import_s": t1 - t0, "types": types}))
