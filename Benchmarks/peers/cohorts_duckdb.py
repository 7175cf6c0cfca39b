#!/usr/bin/env python3
"""Cohort-matrix peer in DuckDB SQL: from transactions.csv, cohort = period of the first purchase,
age = period of the purchase − cohort period; per cell: active customers, orders (distinct order_id
+ rows without one, or rows when there is no order_id column), revenue in cents (Σ round(100·amount)),
retention = customers / cohort size. Same definitions as `tenure cohorts --cohort-by first-purchase`.

    python3 cohorts_duckdb.py DATA_DIR [--period day|week|month|quarter|year] [--out cells.csv] [--threads N]

Writes the long form (cohort_start, age, size, customers, retention, orders, revenue_cents) to --out
and prints {"peer": "duckdb", "total_s": ..., "cells": ...}.
"""
import argparse, json, os, time
import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--period", default="month", choices=["day", "week", "month", "quarter", "year"])
ap.add_argument("--out")
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
path = os.path.join(a.data, "transactions.csv").replace("'", "''")
t0 = time.perf_counter()
con = duckdb.connect()
con.execute(f"SET threads = {a.threads}")
cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_csv('{path}')").fetchall()]
has_orders = "order_id" in cols
# Period index of a date (dense, monotone) and the first day of an index.
idx = {
    "day": "(d - DATE '1970-01-01')",
    "week": "((d - DATE '1970-01-01') + 3) // 7",
    "month": "(year(d) * 12 + month(d) - 1)",
    "quarter": "(year(d) * 4 + (month(d) - 1) // 3)",
    "year": "year(d)",
}[a.period]
start = {
    "day": "DATE '1970-01-01' + CAST(p AS INTEGER)",
    "week": "DATE '1970-01-01' + CAST(p * 7 - 3 AS INTEGER)",
    "month": "make_date(CAST(p // 12 AS INTEGER), CAST(p % 12 + 1 AS INTEGER), 1)",
    "quarter": "make_date(CAST(p // 4 AS INTEGER), CAST((p % 4) * 3 + 1 AS INTEGER), 1)",
    "year": "make_date(CAST(p AS INTEGER), 1, 1)",
}[a.period]
orders = "count(DISTINCT order_id) + count(*) FILTER (WHERE order_id IS NULL)" if has_orders else "count(*)"
sel = "customer_id, CAST(date AS DATE) AS d, amount" + (", CAST(order_id AS VARCHAR) AS order_id" if has_orders else "")
q = f"""
WITH t AS (SELECT customer_id, {idx} AS p, amount{", order_id" if has_orders else ""}
           FROM (SELECT {sel} FROM read_csv('{path}', types={{'customer_id': 'VARCHAR'}}))),
     c AS (SELECT customer_id, min(p) AS cp FROM t GROUP BY customer_id),
     s AS (SELECT cp, count(*) AS size FROM c GROUP BY cp),
     x AS (SELECT c.cp, t.p - c.cp AS age, t.customer_id, t.amount{", t.order_id" if has_orders else ""}
           FROM t JOIN c USING (customer_id)),
     m AS (SELECT cp, age, count(DISTINCT customer_id) AS customers, {orders} AS orders,
                  CAST(sum(round(amount * 100)) AS BIGINT) AS revenue_cents
           FROM x GROUP BY cp, age)
SELECT strftime({start.replace("p", "m.cp")}, '%Y-%m-%d') AS cohort_start, m.age, s.size, m.customers,
       m.customers / s.size AS retention, m.orders, m.revenue_cents
FROM m JOIN s USING (cp) ORDER BY m.cp, m.age
"""
rows = con.execute(q).fetchall()
total = time.perf_counter() - t0
if a.out:
    with open(a.out, "w") as f:
        f.write("cohort_start,age,size,customers,retention,orders,revenue_cents\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
print(json.dumps({"peer": "duckdb", "total_s": total, "cells": len(rows)}))
