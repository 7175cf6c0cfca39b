"""The dataset's CSV files as Spark tables, for the Spark tests of tenure (test tooling only).

`load(spark, data, parquet_dir=None)` creates database `crm` with transactions, customers and
subscriptions typed (dates as DATE, money as DECIMAL(14,2)) except customers, whose columns are all
text, and the event tables (surveys, tickets, interactions, leads, marketing_spend, those the
dataset has) as text, as a raw load leaves them; database `raw` with every table all text; and,
with `parquet_dir`, each typed table also written as Parquet to parquet_dir/TABLE.
"""
import os

from pyspark.sql.types import DateType, DecimalType, StringType, StructField, StructType

TEXT = StringType()
TYPED = {
    "transactions": StructType([StructField("customer_id", TEXT), StructField("date", DateType()),
                                StructField("amount", DecimalType(14, 2)), StructField("order_id", TEXT),
                                StructField("segment", TEXT), StructField("channel", TEXT),
                                StructField("product", TEXT), StructField("category", TEXT)]),
    "subscriptions": StructType([StructField("customer_id", TEXT), StructField("start_date", DateType()),
                                 StructField("end_date", DateType()), StructField("plan", TEXT),
                                 StructField("mrr", DecimalType(14, 2))]),
}
TABLES = ("transactions", "customers", "subscriptions", "surveys", "tickets", "interactions", "leads",
          "marketing_spend")


def load(spark, data, parquet_dir=None, raw=True):
    spark.sql("CREATE DATABASE IF NOT EXISTS crm")
    if raw:
        spark.sql("CREATE DATABASE IF NOT EXISTS raw")
    for t in TABLES:
        path = os.path.join(data, t + ".csv")
        if not os.path.exists(path):
            continue
        schema = TYPED.get(t)
        if schema is not None:
            # the typed table has the columns the file has, in the file's order
            header = open(path, encoding="utf-8").readline().strip().split(",")
            fields = {f.name: f for f in schema.fields}
            schema = StructType([fields.get(c, StructField(c, TEXT)) for c in header])
            df = spark.read.csv(path, header=True, schema=schema)
        else:
            df = spark.read.csv(path, header=True)
        df.write.saveAsTable("crm." + t)
        if raw:
            spark.read.csv(path, header=True).write.saveAsTable("raw." + t)
        if parquet_dir is not None:
            df.write.parquet(os.path.join(parquet_dir, t))
