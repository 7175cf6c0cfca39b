#!/usr/bin/env python3
"""Report peer: the analyses of `tenure report` done the way an analyst does them today, in
pandas + lifelines + lifetimes, on the same CSV directory — without any rendering (no charts,
no HTML, no notebook), so it is a lower bound on the Python side:

  - monthly acquisition cohorts x months since acquisition, active customers and retention (pandas);
  - Kaplan-Meier of subscription lifetimes per segment, with log-rank (lifelines);
  - RFM summary in weeks with a calibration/holdout split, BG/NBD + Gamma-Gamma fits, 1-year CLV
    per customer and its mean per segment (lifetimes);
  - a few KPIs: revenue and orders per month, CSAT and NPS (pandas).

    python3 report_python.py DATA_DIR

Prints one JSON line with per-phase seconds.
"""
import json, os, sys, time, warnings

warnings.simplefilter("ignore")
import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data

d = sys.argv[1]
t, t0 = {}, time.perf_counter()
def lap(name):
    global t0
    now = time.perf_counter(); t[name] = round(now - t0, 3); t0 = now

tx = pd.read_csv(os.path.join(d, "transactions.csv"), usecols=["customer_id", "date", "amount"], parse_dates=["date"])
cu = pd.read_csv(os.path.join(d, "customers.csv"), usecols=["customer_id", "signup_date", "segment"], parse_dates=["signup_date"])
subs = pd.read_csv(os.path.join(d, "subscriptions.csv"), parse_dates=["start_date", "end_date"])
surveys = pd.read_csv(os.path.join(d, "surveys.csv"), parse_dates=["date"])
lap("load_s")

# cohorts
as_of = tx["date"].max()
first = tx.groupby("customer_id")["date"].min().rename("first")
m = tx[["customer_id", "date"]].join(first, on="customer_id")
m["cohort"] = m["first"].dt.to_period("M")
m["age"] = (m["date"].dt.to_period("M") - m["cohort"]).apply(lambda x: x.n)
active = m.drop_duplicates(["customer_id", "cohort", "age"]).groupby(["cohort", "age"]).size().unstack()
retention = active.div(active[0], axis=0)
lap("cohorts_s")

# survival (contractual, per customer: first start to last end, censored when open)
g = subs.groupby("customer_id").agg(start=("start_date", "min"), end=("end_date", "max"), open=("end_date", lambda s: s.isna().any()))
g["event"] = ~g["open"] & (g["end"] <= as_of)
g["T"] = ((g["end"].where(g["event"], as_of)) - g["start"]).dt.days.clip(lower=0)
g = g.join(cu.set_index("customer_id")["segment"])
for seg, part in g.groupby("segment"):
    KaplanMeierFitter().fit(part["T"], part["event"], label=str(seg))
multivariate_logrank_test(g["T"], g["segment"], g["event"])
lap("survival_s")

# CLV
cal_end = as_of - pd.Timedelta(days=min(365, max(56, (as_of - tx["date"].min()).days // 4)))
s = calibration_and_holdout_data(tx, "customer_id", "date", calibration_period_end=cal_end, observation_period_end=as_of,
                                 freq="W", monetary_value_col="amount")
bg = BetaGeoFitter().fit(s["frequency_cal"], s["recency_cal"], s["T_cal"])
rep = s[(s["frequency_cal"] > 0) & (s["monetary_value_cal"] > 0)]
gg = GammaGammaFitter().fit(rep["frequency_cal"], rep["monetary_value_cal"])
clv = gg.customer_lifetime_value(bg, s["frequency_cal"], s["recency_cal"], s["T_cal"], s["monetary_value_cal"].clip(lower=0),
                                 time=12, freq="W", discount_rate=0.10 / 12)
clv.to_frame("clv").join(cu.set_index("customer_id")["segment"]).groupby("segment")["clv"].agg(["mean", "median", "sum", "count"])
lap("clv_s")

# KPIs
tx.groupby(tx["date"].dt.to_period("M"))["amount"].agg(["sum", "count"])
cs = surveys[surveys["kind"] == "csat"]["score"]; ns = surveys[surveys["kind"] == "nps"]["score"]
_ = ((cs >= 4).mean(), 100 * ((ns >= 9).mean() - (ns <= 6).mean()))
lap("kpis_s")
t["total_s"] = round(sum(t.values()), 3)
print(json.dumps(t))
