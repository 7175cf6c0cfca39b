#!/usr/bin/env python3
"""Fallback generator of a realistic transactions.csv for the ingestion benchmark.

Used when `tenure generate` is not available. Writes DIR/transactions.csv with a header
`customer_id,date,amount` and ROWS rows: ids like C0001234 (about ten orders per
customer, heavier buyers more often), ISO dates over four years in time order, amounts with two
decimals (log-normal, about 2 % negative refunds).

    python3 make_transactions.py ROWS DIR [--seed S] [--extra]

--extra adds an order id and a sales channel column.
"""
import argparse, os
import numpy as np
import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("rows", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--extra", action="store_true")
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
n = a.rows
customers = max(1, n // 10)
# Heavier buyers appear more often: gamma-distributed purchase rates.
rate = rng.gamma(0.8, 1.0, customers)
cust = rng.choice(customers, size=n, p=rate / rate.sum())
start = np.datetime64("2021-01-01")
days = np.sort(rng.integers(0, 4 * 365, n))
amount = np.round(rng.lognormal(3.5, 0.8, n), 2)
amount[rng.random(n) < 0.02] *= -1
df = pl.DataFrame({
    "customer_id": "C" + pl.Series(cust + 1).cast(pl.Utf8).str.zfill(7),
    "date": pl.Series(start + days.astype("timedelta64[D]")).cast(pl.Date),
    "amount": amount,
})
if a.extra:
    df = df.with_columns(
        ("O" + pl.Series(np.arange(1, n + 1)).cast(pl.Utf8).str.zfill(9)).alias("order_id"),
        pl.Series(np.array(["web", "store", "app", "phone"])[rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])]).alias("channel"),
    )
os.makedirs(a.out, exist_ok=True)
df.write_csv(os.path.join(a.out, "transactions.csv"), float_precision=2)
