#!/usr/bin/env python3
"""KPI peer in pandas: the core of `tenure kpis` on the same CSV directory, vectorised.

Computes overall and per month: revenue, orders, AOV, purchasing customers, purchase frequency,
purchase churn (active = purchased within CHURN_AFTER days, read at month ends), CSAT, NPS, CES,
first-response and resolution time (median, p90, mean), lead conversion and close rate,
DAU/MAU stickiness; revenue, AOV and frequency per segment. A subset of what tenure computes
(tenure also does subscriptions, MRR, CAC, CLV, engagement shares, SLA, upsell/cross-sell, every
breakdown).

    python3 kpis_pandas.py DATA_DIR [--churn-after 90]
Prints one JSON line: {"peer": "pandas", "load_s": ..., "compute_s": ..., "total_s": ...}.
"""
import argparse, json, os, time
import numpy as np
import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--churn-after", type=int, default=90)
a = ap.parse_args()
t0 = time.perf_counter()
p = lambda n: os.path.join(a.data, n)
tx = pd.read_csv(p("transactions.csv"), usecols=["customer_id", "date", "amount", "order_id", "segment"],
                 parse_dates=["date"], dtype={"customer_id": "string", "order_id": "string", "segment": "category"})
sv = pd.read_csv(p("surveys.csv"), parse_dates=["date"], dtype={"customer_id": "string", "kind": "category"})
tk = pd.read_csv(p("tickets.csv"), dtype={"customer_id": "string", "ticket_id": "string", "channel": "category"})
for c in ["opened_at", "first_response_at", "resolved_at"]:
    tk[c] = pd.to_datetime(tk[c], utc=True, format="ISO8601")
it = pd.read_csv(p("interactions.csv"), dtype={"customer_id": "string", "channel": "category"})
it["timestamp"] = pd.to_datetime(it.timestamp, utc=True, format="ISO8601")
ld = pd.read_csv(p("leads.csv"), parse_dates=["created_at"], dtype={"won": "string", "customer_id": "string", "lead_id": "string"})
t1 = time.perf_counter()

out = {}
asof = tx.date.max()
tx["month"] = tx.date.dt.to_period("M")
pur = tx[tx.amount >= 0]
g = tx.groupby("month").amount.sum().to_frame("revenue")
g["orders"] = pur.groupby("month").order_id.nunique()
g["customers"] = pur.groupby("month").customer_id.nunique()
g["aov"] = g.revenue / g.orders
g["frequency"] = g.orders / g.customers
out["per_month"] = len(g)
out["revenue"] = float(tx.amount.sum())
orders = pur.order_id.nunique(); custs = pur.customer_id.nunique()
out["aov"] = out["revenue"] / orders; out["frequency"] = orders / custs
s = tx.groupby("segment", observed=True).amount.sum().to_frame("revenue")
s["orders"] = pur.groupby("segment", observed=True).order_id.nunique()
s["aov"] = s.revenue / s.orders

# purchase churn at month ends: a purchase on d covers month ends t with d <= t < d + w
months = pd.period_range(tx.month.min(), asof.to_period("M"), freq="M")
ends = np.array([min(m.end_time.normalize(), asof) for m in months], dtype="datetime64[ns]")
d = pur.date.values
k0 = np.searchsorted(ends, d, side="left")
k1 = np.searchsorted(ends, d + np.timedelta64(a.churn_after, "D"), side="left")
cid = pur.customer_id.astype("category").cat.codes.values.astype(np.int64)
span = k1 - k0
rep = np.repeat(np.arange(len(d)), span)
ks = k0[rep] + (np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span))
act = pd.DataFrame({"c": cid[rep], "k": ks}).drop_duplicates()
S = act.groupby("k").size()
nxt = act.assign(k=act.k - 1)
kept = act.merge(nxt, on=["c", "k"]).groupby("k").size()
churn = (1 - kept.reindex(S.index, fill_value=0) / S).iloc[:-1]
out["purchase_churn_pooled"] = float((S.iloc[:-1] - kept.reindex(S.index[:-1], fill_value=0)).sum() / S.iloc[:-1].sum())

# surveys
sv["month"] = sv.date.dt.to_period("M")
cs = sv[sv.kind == "csat"]; ns = sv[sv.kind == "nps"]; es = sv[sv.kind == "ces"]
csat = (cs.score >= 4).groupby(cs.month).mean()
nps = 100 * ((ns.score >= 9).astype(int) - (ns.score <= 6).astype(int)).groupby(ns.month).mean()
ces = es.groupby("month").score.agg(["mean", "std", "count"])
out["csat"] = float((cs.score >= 4).mean()); out["nps"] = float(100 * ((ns.score >= 9).mean() - (ns.score <= 6).mean()))

# tickets
tk["month"] = tk.opened_at.dt.tz_localize(None).dt.to_period("M")
tk["rt"] = (tk.first_response_at - tk.opened_at).dt.total_seconds() / 3600
tk["st"] = (tk.resolved_at - tk.opened_at).dt.total_seconds() / 3600
q = tk.groupby("month")[["rt", "st"]].agg(["median", lambda x: x.quantile(0.9), "mean"])
q2 = tk.groupby("channel", observed=True)[["rt", "st"]].agg(["median", lambda x: x.quantile(0.9), "mean"])
out["first_response_median_hours"] = float(tk.rt.median())

# leads
ld["month"] = ld.created_at.dt.to_period("M")
won = ld.won == "true"
lc = won.groupby(ld.month).mean()
cr = won[ld.won.notna()].groupby(ld.month[ld.won.notna()]).mean()
out["lead_conversion"] = float(won.mean())

# stickiness
it["day"] = it.timestamp.dt.tz_localize(None).dt.floor("D")
it["month"] = it.day.dt.to_period("M")
dau = it[["customer_id", "day", "month"]].drop_duplicates().groupby("month").size()
mau = it[["customer_id", "month"]].drop_duplicates().groupby("month").size()
days = pd.Series({m: m.days_in_month for m in mau.index})
out["stickiness_by_month"] = int(len((dau / (mau * days)).dropna()))
t2 = time.perf_counter()
print(json.dumps({"peer": "pandas", "load_s": t1 - t0, "compute_s": t2 - t1, "total_s": t2 - t0, "check": out}, default=float))
