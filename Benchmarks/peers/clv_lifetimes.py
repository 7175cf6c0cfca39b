#!/usr/bin/env python3
"""CLV peer in lifetimes 0.11.3: the same work as `tenure clv DATA --time-unit day` on a CSV
directory: read transactions.csv, RFM summary (summary_data_from_transaction_data, freq "D"),
BG/NBD fit, Gamma-Gamma fit on repeat customers, per-customer CLV (customer_lifetime_value:
`--months` steps of 30 days, monthly discount rate `--monthly-rate`).

    python3 clv_lifetimes.py DATA_DIR [--months 12] [--monthly-rate 0.01]
    python3 clv_lifetimes.py --postgres "host=… port=… dbname=… user=…" --table crm.transactions
        (the rows read with pandas.read_sql through psycopg2 instead: the warehouse benchmark's peer)

Prints one JSON line: per-phase seconds, the fitted parameters, the total CLV.
"""
import argparse, json, os, time, warnings

warnings.simplefilter("ignore")
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

ap = argparse.ArgumentParser()
ap.add_argument("data", nargs="?")
ap.add_argument("--postgres", help="a libpq connection string (password from PGPASSWORD)")
ap.add_argument("--table", default="crm.transactions")
ap.add_argument("--months", type=int, default=12)
ap.add_argument("--monthly-rate", type=float, default=0.01)
a = ap.parse_args()

t = {}
t0 = time.perf_counter()
if a.postgres:
    import psycopg2
    with psycopg2.connect(a.postgres) as con:
        tx = pd.read_sql(f"SELECT customer_id, date, amount FROM {a.table}", con, parse_dates=["date"])
    tx["amount"] = tx["amount"].astype(float)
else:
    tx = pd.read_csv(os.path.join(a.data, "transactions.csv"), usecols=["customer_id", "date", "amount"],
                     dtype={"customer_id": "string"}, parse_dates=["date"])
t1 = time.perf_counter(); t["load_s"] = t1 - t0
s = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq="D")
t2 = time.perf_counter(); t["rfm_s"] = t2 - t1
bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
t3 = time.perf_counter(); t["bgnbd_s"] = t3 - t2
ret = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
ggf = GammaGammaFitter().fit(ret["frequency"], ret["monetary_value"])
t4 = time.perf_counter(); t["gamma_gamma_s"] = t4 - t3
clv = ggf.customer_lifetime_value(bgf, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                  time=a.months, discount_rate=a.monthly_rate, freq="D")
p_alive = bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
t5 = time.perf_counter(); t["clv_s"] = t5 - t4
t["total_s"] = t5 - t0
out = {"peer": "lifetimes", **{k: round(v, 3) for k, v in t.items()}, "customers": int(len(s)),
       "transactions": int(len(tx)),
       "bgnbd": {k: float(bgf.params_[k]) for k in ["r", "alpha", "a", "b"]},
       "gamma_gamma": {k: float(ggf.params_[k]) for k in ["p", "q", "v"]},
       "total_clv": float(np.asarray(clv).sum()), "mean_p_alive": float(np.mean(p_alive))}
print(json.dumps(out))
