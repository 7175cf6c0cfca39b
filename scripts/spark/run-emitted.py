#!/usr/bin/env python3
"""Runs the SQL that `tenure … --emit-sql spark` wrote on a local Spark (pyspark, local[2], ANSI
mode on, UI off), over a CSV dataset loaded as tables crm.transactions, crm.customers,
crm.subscriptions and, as text (a raw load), crm.surveys, crm.tickets, crm.interactions,
crm.leads and crm.marketing_spend (those the dataset has), and saves
each query's result as NAME.csv beside NAME.sql (NULL as an empty field), for `--aggregates`.

  python3 scripts/spark/run-emitted.py DATASET_DIR SQL_DIR [SQL_DIR ...]

One Spark session serves every directory (the JVM starts once). Test tooling for
scripts/e2e/85-warehouse.sh; tenure itself never runs Python.
"""
import csv
import glob
import os
import sys
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql.types import DateType, DecimalType, StringType, StructField, StructType

data, dirs = sys.argv[1], sys.argv[2:]
warehouse = tempfile.mkdtemp(prefix="tenure-spark-")
spark = (SparkSession.builder.master("local[2]").appName("tenure-e2e")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.ansi.enabled", "true")
         .config("spark.driver.memory", "1g").config("spark.sql.shuffle.partitions", "4")
         .config("spark.sql.warehouse.dir", warehouse).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
spark.sql("CREATE DATABASE IF NOT EXISTS crm")
text = StringType()
tx = StructType([StructField("customer_id", text), StructField("date", DateType()), StructField("amount", DecimalType(14, 2)),
                 StructField("order_id", text), StructField("segment", text), StructField("channel", text),
                 StructField("product", text), StructField("category", text)])
spark.read.csv(os.path.join(data, "transactions.csv"), header=True, schema=tx).write.saveAsTable("crm.transactions")
customers = os.path.join(data, "customers.csv")
if os.path.exists(customers):
    # every column as text, as a raw load leaves them
    spark.read.csv(customers, header=True).write.saveAsTable("crm.customers")
subscriptions = os.path.join(data, "subscriptions.csv")
if os.path.exists(subscriptions):
    subs = StructType([StructField("customer_id", text), StructField("start_date", DateType()), StructField("end_date", DateType()),
                       StructField("plan", text), StructField("mrr", DecimalType(14, 2))])
    spark.read.csv(subscriptions, header=True, schema=subs).write.saveAsTable("crm.subscriptions")
for t in ("surveys", "tickets", "interactions", "leads", "marketing_spend"):
    path = os.path.join(data, t + ".csv")
    if os.path.exists(path):
        spark.read.csv(path, header=True).write.saveAsTable("crm." + t)
for d in dirs:
    for f in sorted(glob.glob(os.path.join(d, "*.sql"))):
        sql = "\n".join(l for l in open(f).read().splitlines() if not l.startswith("--")).strip().rstrip(";")
        df = spark.sql(sql)
        with open(f[:-4] + ".csv", "w", newline="") as out:
            w = csv.writer(out)
            w.writerow(df.columns)
            for row in df.collect():
                w.writerow(["" if v is None else v for v in row])
spark.stop()
