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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyspark.sql import SparkSession  # noqa: E402

import tables  # noqa: E402

data, dirs = sys.argv[1], sys.argv[2:]
warehouse = tempfile.mkdtemp(prefix="tenure-spark-")
spark = (SparkSession.builder.master("local[2]").appName("tenure-e2e")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.ansi.enabled", "true")
         .config("spark.driver.memory", "1g").config("spark.sql.shuffle.partitions", "4")
         .config("spark.sql.warehouse.dir", warehouse).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
tables.load(spark, data, raw=False)
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
