#!/usr/bin/env python3
"""KPI peer in DuckDB SQL: the same core KPIs as kpis_pandas.py (overall and per month) read
straight from the CSVs. Prints {"peer": "duckdb", "total_s": ...}; DuckDB reads and computes in
one go, so only the total is comparable.

    python3 kpis_duckdb.py DATA_DIR [--churn-after 90] [--threads N]
"""
import argparse, json, os, time
import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--churn-after", type=int, default=90)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
p = lambda n: os.path.join(a.data, n).replace("'", "''")
t0 = time.perf_counter()
con = duckdb.connect()
con.execute(f"SET threads = {a.threads}")
con.execute(f"CREATE TABLE tx AS SELECT customer_id, CAST(date AS DATE) AS d, amount, order_id, segment FROM read_csv_auto('{p('transactions.csv')}')")
con.execute(f"CREATE TABLE sv AS SELECT * FROM read_csv_auto('{p('surveys.csv')}')")
con.execute(f"CREATE TABLE tk AS SELECT * FROM read_csv_auto('{p('tickets.csv')}')")
con.execute(f"CREATE TABLE it AS SELECT * FROM read_csv_auto('{p('interactions.csv')}')")
con.execute(f"CREATE TABLE ld AS SELECT * FROM read_csv_auto('{p('leads.csv')}', all_varchar=true)")
q = {}
q["value_by_month"] = con.execute("""
  SELECT date_trunc('month', d) m, sum(amount) revenue,
         count(DISTINCT order_id) FILTER (WHERE amount >= 0) orders,
         count(DISTINCT customer_id) FILTER (WHERE amount >= 0) customers
  FROM tx GROUP BY 1 ORDER BY 1""").fetchall()
q["value_by_segment"] = con.execute("""
  SELECT segment, sum(amount), count(DISTINCT order_id) FILTER (WHERE amount >= 0) FROM tx GROUP BY 1""").fetchall()
q["churn"] = con.execute(f"""
  WITH ends AS (SELECT least(last_day(m), (SELECT max(d) FROM tx)) t
                FROM (SELECT DISTINCT date_trunc('month', d) m FROM tx)),
       act AS (SELECT DISTINCT customer_id, t FROM tx JOIN ends ON tx.d <= ends.t AND tx.d > ends.t - INTERVAL {a.churn_after} DAY
               WHERE amount >= 0),
       nxt AS (SELECT t, lead(t) OVER (ORDER BY t) t2 FROM ends)
  SELECT a.t, count(*) s, count(b.customer_id) kept FROM act a JOIN nxt USING (t)
  LEFT JOIN act b ON b.customer_id = a.customer_id AND b.t = nxt.t2 GROUP BY 1 ORDER BY 1""").fetchall()
q["surveys"] = con.execute("""
  SELECT date_trunc('month', CAST(date AS DATE)) m, avg(CASE WHEN score >= 4 THEN 1 ELSE 0 END) FILTER (WHERE kind = 'csat'),
         100 * avg(CASE WHEN score >= 9 THEN 1 WHEN score <= 6 THEN -1 ELSE 0 END) FILTER (WHERE kind = 'nps'),
         avg(score) FILTER (WHERE kind = 'ces'), stddev_samp(score) FILTER (WHERE kind = 'ces')
  FROM sv GROUP BY 1""").fetchall()
q["tickets"] = con.execute("""
  WITH x AS (SELECT date_trunc('month', CAST(opened_at AS TIMESTAMP)) m, channel,
                    epoch(CAST(first_response_at AS TIMESTAMP) - CAST(opened_at AS TIMESTAMP)) / 3600 rt,
                    epoch(CAST(resolved_at AS TIMESTAMP) - CAST(opened_at AS TIMESTAMP)) / 3600 st FROM tk)
  SELECT m, quantile_cont(rt, 0.5), quantile_cont(rt, 0.9), avg(rt), quantile_cont(st, 0.5), quantile_cont(st, 0.9), avg(st)
  FROM x GROUP BY 1""").fetchall()
q["leads"] = con.execute("""
  SELECT date_trunc('month', CAST(created_at AS DATE)), avg(CASE WHEN won = 'true' THEN 1 ELSE 0 END),
         avg(CASE WHEN won = 'true' THEN 1 ELSE 0 END) FILTER (WHERE won IN ('true', 'false')) FROM ld GROUP BY 1""").fetchall()
q["stickiness"] = con.execute("""
  WITH x AS (SELECT customer_id, CAST(CAST(timestamp AS TIMESTAMP) AS DATE) d FROM it)
  SELECT date_trunc('month', d) m, count(DISTINCT (customer_id, d)) dau, count(DISTINCT customer_id) mau FROM x GROUP BY 1""").fetchall()
t1 = time.perf_counter()
print(json.dumps({"peer": "duckdb", "total_s": t1 - t0, "rows": {k: len(v) for k, v in q.items()}}))
