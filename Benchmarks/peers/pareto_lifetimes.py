#!/usr/bin/env python3
"""Pareto/NBD peer in lifetimes 0.11.3: the same work as `tenure clv DATA --model pareto-nbd
--spend none --time-unit day --draws 0` on a CSV directory: read transactions.csv, RFM summary
(summary_data_from_transaction_data, freq "D"), ParetoNBDFitter, per-customer P(alive) and expected
purchases over `--days`.

    python3 pareto_lifetimes.py DATA_DIR [--days 365.25]

Prints one JSON line: per-phase seconds, the fitted parameters, the log-likelihood per customer and
the total expected purchases.
"""
import argparse, json, os, time, warnings

warnings.simplefilter("ignore")
import numpy as np
import pandas as pd
from lifetimes import ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--days", type=float, default=365.25)
a = ap.parse_args()

t = {}
t0 = time.perf_counter()
tx = pd.read_csv(os.path.join(a.data, "transactions.csv"), usecols=["customer_id", "date", "amount"],
                 dtype={"customer_id": "string"}, parse_dates=["date"])
t1 = time.perf_counter(); t["load_s"] = t1 - t0
s = summary_data_from_transaction_data(tx, "customer_id", "date", freq="D")
t2 = time.perf_counter(); t["rfm_s"] = t2 - t1
pnbd = ParetoNBDFitter().fit(s["frequency"], s["recency"], s["T"])
t3 = time.perf_counter(); t["fit_s"] = t3 - t2
p_alive = pnbd.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
expected = pnbd.conditional_expected_number_of_purchases_up_to_time(a.days, s["frequency"], s["recency"], s["T"])
t4 = time.perf_counter(); t["predict_s"] = t4 - t3
t["total_s"] = t4 - t0
out = {"peer": "lifetimes", **{k: round(v, 3) for k, v in t.items()}, "customers": int(len(s)),
       "params": {k: float(pnbd.params_[k]) for k in ["r", "alpha", "s", "beta"]},
       "mean_nll": float(pnbd._negative_log_likelihood_),
       "expected_purchases": float(np.asarray(expected).sum()), "mean_p_alive": float(np.mean(p_alive))}
print(json.dumps(out))
