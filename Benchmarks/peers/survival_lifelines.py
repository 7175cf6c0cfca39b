#!/usr/bin/env python3
"""Survival benchmark peer: the data set, and the same fits in lifelines.

  make DIR --subjects N [--covariates P] [--seed S]
      Writes a tenure dataset: subscriptions.csv (one subscription per customer, start dates over
      2020-2024, exponential lifetimes whose hazard depends on the covariates, censored at the as-of
      date 2024-12-31), customers.csv with numeric covariates x1..xP (when P > 0) and a header-only
      transactions.csv with a single row (the one required table). Durations are whole days, so ties are heavy,
      as in real CRM data.
  km DIR     Kaplan–Meier (KaplanMeierFitter) on the contractual durations tenure computes.
  cox DIR    Cox PH (CoxPHFitter, Efron ties) on x1..xP.

`km` and `cox` print one JSON line: {"fit_s": seconds of the fit alone, "load_s": reading the CSVs
and computing the durations, ...}; the fit time is what the benchmark compares with tenure's model
time (`tenure survival --timings`).
"""
import argparse, json, os, sys, time
import numpy as np
import pandas as pd

AS_OF = np.datetime64("2024-12-31")
EPOCH = np.datetime64("1970-01-01")


def make(a):
    rng = np.random.default_rng(a.seed)
    n, p = a.subjects, a.covariates
    os.makedirs(a.dir, exist_ok=True)
    start0 = (np.datetime64("2020-01-01") - EPOCH).astype(int)
    span = int((AS_OF - np.datetime64("2020-01-01")).astype(int))
    start = start0 + rng.integers(0, span, size=n)
    x = rng.normal(size=(n, p)) if p else np.zeros((n, 0))
    beta = np.linspace(-0.5, 0.5, p) if p else np.zeros(0)
    lp = x @ beta if p else np.zeros(n)
    life = np.ceil(rng.exponential(540.0, size=n) * np.exp(-lp)).astype(np.int64)
    end = start + life
    asof = int((AS_OF - EPOCH).astype(int))
    ids = np.char.add("c", np.arange(n).astype(str))
    start_s = (EPOCH + start.astype("timedelta64[D]")).astype(str)
    end_s = np.where(end <= asof, (EPOCH + np.minimum(end, asof).astype("timedelta64[D]")).astype(str), "")
    chunk = 1_000_000
    with open(os.path.join(a.dir, "subscriptions.csv"), "w") as f:
        f.write("customer_id,start_date,end_date\n")
        for k in range(0, n, chunk):
            sl = slice(k, k + chunk)
            f.write("\n".join(np.char.add(np.char.add(np.char.add(np.char.add(ids[sl], ","), start_s[sl]), ","), end_s[sl])))
            f.write("\n")
    if p:
        cols = {"customer_id": ids}
        for j in range(p):
            cols[f"x{j + 1}"] = np.round(x[:, j], 6)
        pd.DataFrame(cols).to_csv(os.path.join(a.dir, "customers.csv"), index=False)
    with open(os.path.join(a.dir, "transactions.csv"), "w") as f:
        f.write("customer_id,date,amount\nc0,2020-01-01,0\n")   # the required table needs one row
    print(json.dumps(dict(subjects=n, covariates=p, events=int((end <= asof).sum()))))


def durations(d):
    s = pd.read_csv(os.path.join(d, "subscriptions.csv"), dtype={"customer_id": str, "start_date": str, "end_date": str},
                    keep_default_na=False)
    start = pd.to_datetime(s["start_date"]).values.astype("datetime64[D]")
    has_end = s["end_date"].values != ""
    end = np.full(len(s), AS_OF)
    end[has_end] = pd.to_datetime(s["end_date"][has_end]).values.astype("datetime64[D]")
    T = (end - start).astype(int).astype(float)
    E = has_end.astype(int)
    return s["customer_id"].values, T, E


def km(a):
    t0 = time.perf_counter()
    _, T, E = durations(a.dir)
    t1 = time.perf_counter()
    from lifelines import KaplanMeierFitter
    kmf = KaplanMeierFitter().fit(T, E)
    t2 = time.perf_counter()
    print(json.dumps(dict(load_s=t1 - t0, fit_s=t2 - t1, subjects=len(T), median=float(kmf.median_survival_time_))))


def cox(a):
    t0 = time.perf_counter()
    ids, T, E = durations(a.dir)
    c = pd.read_csv(os.path.join(a.dir, "customers.csv"), dtype={"customer_id": str})
    c = c.set_index("customer_id").loc[ids].reset_index(drop=True)
    c["T"], c["E"] = T, E
    t1 = time.perf_counter()
    from lifelines import CoxPHFitter
    cph = CoxPHFitter().fit(c, "T", "E")
    t2 = time.perf_counter()
    conc = cph.concordance_index_        # lifelines computes C lazily; tenure's model time includes it
    t3 = time.perf_counter()
    print(json.dumps(dict(load_s=t1 - t0, fit_s=t2 - t1, concordance_s=t3 - t2, subjects=len(T),
                          covariates=c.shape[1] - 2, coef=cph.params_.round(6).to_dict(), concordance=conc)))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make"); m.add_argument("dir"); m.add_argument("--subjects", type=int, required=True)
    m.add_argument("--covariates", type=int, default=0); m.add_argument("--seed", type=int, default=1)
    for name in ("km", "cox"):
        s = sub.add_parser(name); s.add_argument("dir")
    a = ap.parse_args()
    dict(make=make, km=km, cox=cox)[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
