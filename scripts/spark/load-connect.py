#!/usr/bin/env python3
"""Loads a CSV dataset into a running Spark Connect server (scripts/spark/connect.sh load):

  python3 scripts/spark/load-connect.py sc://127.0.0.1:PORT DATASET_DIR PARQUET_DIR

Tables crm.* and raw.* and Parquet copies, as scripts/spark/tables.py describes. The server reads
the files itself (it runs on this machine). Test tooling only.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyspark.sql import SparkSession  # noqa: E402

import tables  # noqa: E402

url, data, parquet = sys.argv[1:4]
spark = SparkSession.builder.remote(url).getOrCreate()
tables.load(spark, os.path.abspath(data), os.path.abspath(parquet))
print("load-connect: loaded", ", ".join(r.tableName for r in spark.sql("SHOW TABLES IN crm").collect()))
spark.stop()
