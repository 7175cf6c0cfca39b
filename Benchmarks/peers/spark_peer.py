#!/usr/bin/env python3
"""Spark peer of `tenure clv|cohorts sc://…` (issue #15): the same work as PySpark users do it, on
the same Spark Connect server and the same Parquet files.

    python3 spark_peer.py prepare sc://HOST:PORT CSV_DIR PARQUET_DIR   CSV → Parquet (typed), timed; the last date
    python3 spark_peer.py clv sc://HOST:PORT PARQUET_DIR AS_OF         lifetimes per customer group
    python3 spark_peer.py cohorts sc://HOST:PORT PARQUET_DIR AS_OF     monthly retention in Spark SQL

clv: the RFM summary per customer by `applyInPandas` (lifetimes' summary_data_from_transaction_data
on each hash group of customers, freq "D", as the common Spark CLV accelerators do), collected to
the driver with toPandas, then BG/NBD + Gamma-Gamma fitted by lifetimes 0.11.3 and a 12-month CLV.
cohorts: first-purchase month per customer and active customers per (cohort, month of age), in
Spark SQL, collected. Prints one JSON line: seconds per phase and the size of what was collected.
"""
import json, sys, time, warnings

warnings.simplefilter("ignore")
from pyspark.sql import SparkSession  # noqa: E402

mode, url = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.remote(url).getOrCreate()
t = {}
t0 = time.perf_counter()
if mode == "prepare":
    from pyspark.sql.types import DateType, DecimalType, StringType, StructField, StructType
    schema = StructType([StructField("customer_id", StringType()), StructField("date", DateType()),
                         StructField("amount", DecimalType(14, 2))])
    spark.read.csv(sys.argv[3] + "/transactions.csv", header=True, schema=schema).write.mode("overwrite").parquet(sys.argv[4])
    t["prepare_s"] = time.perf_counter() - t0
    t["last_date"] = str(spark.read.parquet(sys.argv[4]).agg({"date": "max"}).collect()[0][0])
elif mode == "clv":
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data
    from pyspark.sql import functions as F
    as_of = sys.argv[4]
    tx = spark.read.parquet(sys.argv[3]).where(F.col("date") <= F.lit(as_of).cast("date"))
    tx = tx.withColumn("amount", F.col("amount").cast("double")).withColumn("bucket", F.abs(F.hash("customer_id")) % 64)

    def rfm(pdf):
        s = summary_data_from_transaction_data(pdf, "customer_id", "date", monetary_value_col="amount", freq="D",
                                               observation_period_end=pd.Timestamp(as_of))
        return s.reset_index()[["customer_id", "frequency", "recency", "T", "monetary_value"]]

    out = "customer_id string, frequency double, recency double, T double, monetary_value double"
    summary = tx.groupBy("bucket").applyInPandas(rfm, schema=out).toPandas()
    t1 = time.perf_counter(); t["rfm_in_spark_s"] = t1 - t0; t["collected_rows"] = len(summary)
    bg = BetaGeoFitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"])
    rep = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(rep["frequency"], rep["monetary_value"])
    clv = gg.customer_lifetime_value(bg, summary["frequency"], summary["recency"], summary["T"],
                                     summary["monetary_value"], time=12, freq="D", discount_rate=0.01)
    t2 = time.perf_counter(); t["fit_s"] = t2 - t1; t["total_clv"] = float(clv.sum())
elif mode == "cohorts":
    spark.read.parquet(sys.argv[3]).createOrReplaceTempView("tx")
    rows = spark.sql(f"""
        WITH m AS (SELECT customer_id, year(date) * 12 + month(date) - 1 AS mon FROM tx WHERE date <= DATE '{sys.argv[4]}'
                   GROUP BY customer_id, year(date) * 12 + month(date) - 1),
             c AS (SELECT customer_id, MIN(mon) AS cohort FROM m GROUP BY customer_id)
        SELECT c.cohort, m.mon - c.cohort AS age, COUNT(*) AS active
        FROM m JOIN c ON m.customer_id = c.customer_id GROUP BY c.cohort, m.mon - c.cohort""").collect()
    t["cohorts_s"] = time.perf_counter() - t0; t["collected_rows"] = len(rows)
spark.stop()
print(json.dumps(t))
