#!/usr/bin/env python3
"""Fallback generator of a realistic transactions.csv for the ingestion benchmark.

Used when `tenure generate` is not available. Writes DIR/transactions.csv with a header
`customer_id,date,amount` and ROWS rows: ids like C0001234 (about ten orders per
customer, heavier buyers more often), ISO dates over four years in time order, amounts with two
decimals (log-normal, about 2 % negative refunds).

    python3 make_transactions.py ROWS DIR [--seed S] [--extra] [--shape many-ids]

--extra adds an order id and a sales channel column.
--shape many-ids writes the other common shape of e-commerce data: many customers with one to three
orders (ROWS / 2.7 customers, every one with at least one order, ids like C00000042) and a
per-customer segment column (consumer, smb, enterprise).
"""
import argparse, os
import numpy as np
import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("rows", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--extra", action="store_true")
ap.add_argument("--shape", choices=["few-ids", "many-ids"], default="few-ids")
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
n = a.rows
if a.shape == "many-ids":
    customers = max(1, min(n, round(n / 2.7)))
    # Every customer buys once; the other orders go to customers with gamma-distributed rates,
    # so most buy once or twice and a few come back often. Rows are then shuffled before the
    # dates (sorted) are assigned.
    rate = rng.gamma(0.5, 1.0, customers)
    cust = np.concatenate([np.arange(customers), rng.choice(customers, size=n - customers, p=rate / rate.sum())])
    rng.shuffle(cust)
    width = 8
else:
    customers = max(1, n // 10)
    # Heavier buyers appear more often: gamma-distributed purchase rates.
    rate = rng.gamma(0.8, 1.0, customers)
    cust = rng.choice(customers, size=n, p=rate / rate.sum())
    width = 7
start = np.datetime64("2021-01-01")
days = np.sort(rng.integers(0, 4 * 365, n))
amount = np.round(rng.lognormal(3.5, 0.8, n), 2)
amount[rng.random(n) < 0.02] *= -1
df = pl.DataFrame({
    "customer_id": "C" + pl.Series(cust + 1).cast(pl.Utf8).str.zfill(width),
    "date": pl.Series(start + days.astype("timedelta64[D]")).cast(pl.Date),
    "amount": amount,
})
if a.shape == "many-ids":
    segments = np.array(["consumer", "smb", "enterprise"])[rng.choice(3, customers, p=[0.7, 0.22, 0.08])]
    df = df.with_columns(pl.Series(segments[cust]).alias("segment"))
if a.extra:
    df = df.with_columns(
        ("O" + pl.Series(np.arange(1, n + 1)).cast(pl.Utf8).str.zfill(9)).alias("order_id"),
        pl.Series(np.array(["web", "store", "app", "phone"])[rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])]).alias("channel"),
    )
os.makedirs(a.out, exist_ok=True)
df.write_csv(os.path.join(a.out, "transactions.csv"), float_precision=2)
