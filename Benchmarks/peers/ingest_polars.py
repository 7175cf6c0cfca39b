#!/usr/bin/env python3
"""polars peer of tenure's CSV ingestion: pl.read_csv of transactions.csv with dates parsed
(try_parse_dates), on POLARS_MAX_THREADS (2 by the case script). Prints JSON: rows, read_s."""
import json, sys, time
t0 = time.perf_counter()
import polars as pl
path = sys.argv[1]
t1 = time.perf_counter()
df = pl.read_csv(path, try_parse_dates=True)
t2 = time.perf_counter()
print(json.dumps({"rows": df.height, "read_s": t2 - t1, "import_s": t1 - t0, "types": [str(t) for t in df.dtypes]}))
