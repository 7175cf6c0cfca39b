#!/usr/bin/env python3
"""Cohort-matrix peer in pandas: the same cells as cohorts_duckdb.py (the reference definitions of
`tenure cohorts --cohort-by first-purchase`; the e2e check compares tenure's cells with this, exactly).

    python3 cohorts_pandas.py DATA_DIR [--period day|week|month|quarter|year] [--out cells.csv]

Prints {"peer": "pandas", "total_s": ..., "cells": ...}.
"""
import argparse, json, os, time
import numpy as np
import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--period", default="month", choices=["day", "week", "month", "quarter", "year"])
ap.add_argument("--out")
a = ap.parse_args()
path = os.path.join(a.data, "transactions.csv")
t0 = time.perf_counter()
header = pd.read_csv(path, nrows=0).columns
has_orders = "order_id" in header
use = ["customer_id", "date", "amount"] + (["order_id"] if has_orders else [])
df = pd.read_csv(path, usecols=use, dtype={"customer_id": str, "order_id": str, "date": str})
d = pd.to_datetime(df["date"].str.slice(0, 10), format="%Y-%m-%d").values.astype("datetime64[D]")
days = d.astype(np.int64)
if a.period == "day":
    p = days
elif a.period == "week":
    p = (days + 3) // 7
else:
    months = d.astype("datetime64[M]").astype(np.int64) + 1970 * 12   # year*12 + month-1
    p = {"month": months, "quarter": months // 3, "year": months // 12}[a.period]
df["p"] = p
df["cents"] = np.round(df["amount"].to_numpy() * 100).astype(np.int64)
df["cp"] = df.groupby("customer_id")["p"].transform("min")
df["age"] = df["p"] - df["cp"]
if has_orders:
    df["no_order"] = df["order_id"].isna().astype(np.int64)
size = df.groupby("cp")["customer_id"].nunique().rename("size")
g = df.groupby(["cp", "age"])
m = pd.DataFrame({"customers": g["customer_id"].nunique(), "revenue_cents": g["cents"].sum()})
if has_orders:
    m["orders"] = g["order_id"].nunique() + g["no_order"].sum()
else:
    m["orders"] = g.size()
m = m.reset_index().join(size, on="cp").sort_values(["cp", "age"])
total = time.perf_counter() - t0
if a.out:
    import datetime as dt
    def start(v):
        v = int(v)
        if a.period == "day": return dt.date(1970, 1, 1) + dt.timedelta(days=v)
        if a.period == "week": return dt.date(1970, 1, 1) + dt.timedelta(days=v * 7 - 3)
        if a.period == "month": return dt.date(v // 12, v % 12 + 1, 1)
        if a.period == "quarter": return dt.date(v // 4, (v % 4) * 3 + 1, 1)
        return dt.date(v, 1, 1)
    with open(a.out, "w") as f:
        f.write("cohort_start,age,size,customers,retention,orders,revenue_cents\n")
        for r in m.itertuples(index=False):
            f.write(f"{start(r.cp).isoformat()},{r.age},{r.size},{r.customers},{r.customers / r.size},{r.orders},{r.revenue_cents}\n")
print(json.dumps({"peer": "pandas", "total_s": total, "cells": len(m)}))
