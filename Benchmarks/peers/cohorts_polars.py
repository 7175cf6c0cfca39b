#!/usr/bin/env python3
"""Cohort-matrix peer in polars (lazy, streaming where it can): the same cells as cohorts_duckdb.py.

    python3 cohorts_polars.py DATA_DIR [--period day|week|month|quarter|year] [--out cells.csv]

Prints {"peer": "polars", "total_s": ..., "cells": ...}.
"""
import argparse, json, os, time
import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--period", default="month", choices=["day", "week", "month", "quarter", "year"])
ap.add_argument("--out")
a = ap.parse_args()
path = os.path.join(a.data, "transactions.csv")
t0 = time.perf_counter()
lf = pl.scan_csv(path, schema_overrides={"customer_id": pl.Utf8, "date": pl.Utf8})
has_orders = "order_id" in lf.collect_schema().names()
d = pl.col("date").str.slice(0, 10).str.to_date("%Y-%m-%d")
days = d.cast(pl.Int32)
p = {
    "day": days,
    "week": (days + 3) // 7,
    "month": d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32) - 1,
    "quarter": d.dt.year().cast(pl.Int32) * 4 + (d.dt.month().cast(pl.Int32) - 1) // 3,
    "year": d.dt.year().cast(pl.Int32),
}[a.period]
cols = [pl.col("customer_id"), p.alias("p"), (pl.col("amount") * 100).round(0).cast(pl.Int64).alias("cents")]
if has_orders:
    cols.append(pl.col("order_id").cast(pl.Utf8))
t = lf.select(cols).with_columns(pl.col("p").min().over("customer_id").alias("cp"))
t = t.with_columns((pl.col("p") - pl.col("cp")).alias("age"))
orders = (pl.col("order_id").drop_nulls().n_unique() + pl.col("order_id").null_count()) if has_orders else pl.len()
m = t.group_by("cp", "age").agg(pl.col("customer_id").n_unique().alias("customers"), orders.alias("orders"),
                                 pl.col("cents").sum().alias("revenue_cents"))
s = t.group_by("cp").agg(pl.col("customer_id").n_unique().alias("size"))
out = m.join(s, on="cp").sort("cp", "age").collect()
total = time.perf_counter() - t0
if a.out:
    def start(v):
        import datetime as dt
        if a.period == "day": return dt.date(1970, 1, 1) + dt.timedelta(days=v)
        if a.period == "week": return dt.date(1970, 1, 1) + dt.timedelta(days=v * 7 - 3)
        if a.period == "month": return dt.date(v // 12, v % 12 + 1, 1)
        if a.period == "quarter": return dt.date(v // 4, (v % 4) * 3 + 1, 1)
        return dt.date(v, 1, 1)
    with open(a.out, "w") as f:
        f.write("cohort_start,age,size,customers,retention,orders,revenue_cents\n")
        for cp, age, cu, o, rc, sz in out.select("cp", "age", "customers", "orders", "revenue_cents", "size").iter_rows():
            f.write(f"{start(cp).isoformat()},{age},{sz},{cu},{cu / sz},{o},{rc}\n")
print(json.dumps({"peer": "polars", "total_s": total, "cells": out.height}))
