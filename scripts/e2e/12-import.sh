#!/usr/bin/env bash
# Raw exports in (#13). The generator writes a dataset and the same data as raw exports (Shopify
# orders, Stripe subscriptions, Zendesk tickets, HubSpot deals, Delighted NPS, ad costs) with
# crm.yaml (presets plus a short mapping):
#   - `tenure report` through the mapping equals the report on the generating dataset (results.json);
#   - `tenure import` writes a dataset whose report equals it too, and prints what each filter removed;
#   - a bad date names the export file, line and column and the mapping key and format that fix it,
#     exits 65 and leaves --out as it was; many bad dates are one grouped line in `validate`;
#   - a misspelt key is an error with the nearest key; --on-invalid skip writes rejects.csv at export lines.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "import: $*"; exit 1; }
same() {  # results.json of two reports equal but for data_path
  python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("data_path"); b.pop("data_path")
sys.exit(0 if a == b else 1)
PY
}
"$BIN" generate --customers 3000 --seed 11 --out "$tmp/data" --exports "$tmp/exp" --quiet
"$BIN" report "$tmp/data" --out "$tmp/r1" --simulations 200 --formats json > /dev/null
"$BIN" report "$tmp/exp" --schema "$tmp/exp/crm.yaml" --out "$tmp/r2" --simulations 200 --formats json > /dev/null
same "$tmp/r1/results.json" "$tmp/r2/results.json" || fail "the report through crm.yaml differs from the report on the generating dataset"
echo "import: report on 6 raw exports through crm.yaml ($(grep -vc '^ *#' "$tmp/exp/crm.yaml") lines) equals the report on the generating dataset"

"$BIN" import "$tmp/exp" --schema "$tmp/exp/crm.yaml" --out "$tmp/imported" > "$tmp/import.txt"
grep -q "orders_export_1.csv → transactions: .* rows read" "$tmp/import.txt" || { cat "$tmp/import.txt"; fail "no per-file summary"; }
grep -q "where Financial Status in (paid, partially_refunded, refunded): removed [1-9]" "$tmp/import.txt" || fail "no filter count"
grep -q "where Status not in (incomplete, incomplete_expired): removed [1-9]" "$tmp/import.txt" || fail "no subscription filter count"
"$BIN" validate "$tmp/imported" > /dev/null || fail "the imported dataset does not validate"
"$BIN" report "$tmp/imported" --out "$tmp/r3" --simulations 200 --formats json > /dev/null
same "$tmp/r1/results.json" "$tmp/r3/results.json" || fail "the report on the imported dataset differs"
echo "import: tenure import writes a dataset whose report equals it too"

# One bad date: file, line, column, the key and the format that reads it; --out untouched.
bad="$tmp/bad"; cp -r "$tmp/exp" "$bad"
line=$(awk -F, 'NR>1 && $3=="paid" {print NR; exit}' "$bad/orders_export_2.csv")
python3 - "$bad/orders_export_2.csv" "$line" <<'PY'
import csv, sys
path, line = sys.argv[1], int(sys.argv[2])
rows = list(csv.reader(open(path, newline="")))
y, m, d = rows[line - 1][9][:10].split("-")
rows[line - 1][9] = f"{m}/{d}/{y} 23:30"
csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
PY
set +e; "$BIN" import "$bad" --schema "$bad/crm.yaml" --out "$tmp/imported" 2> "$tmp/err"; rc=$?; set -e
[ "$rc" -eq 65 ] || fail "a bad date: exit $rc, expected 65"
grep -q "orders_export_2.csv:$line: column 'Created at'" "$tmp/err" || { cat "$tmp/err"; fail "the error does not name file:line:column"; }
grep -q 'set `transactions.columns.date.format: "%m/%d/%Y %H:%M"`' "$tmp/err" || { cat "$tmp/err"; fail "no format hint"; }
same "$tmp/r1/results.json" "$tmp/r3/results.json" && "$BIN" validate "$tmp/imported" > /dev/null || fail "--out changed after a failed import"
echo "import: a bad date names orders_export_2.csv:$line, the column, the key and the format; exit 65, --out unchanged"

# Every date of a file in another format: one grouped line with the count and the first lines.
python3 - "$bad/orders_export_2.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
for r in rows[1:]:
    if "/" not in r[9]:
        y, m, d = r[9][:10].split("-"); r[9] = f"{m}/{d}/{y} 23:30"
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(rows)
PY
set +e; "$BIN" validate "$bad" --schema "$bad/crm.yaml" > "$tmp/val"; rc=$?; set -e
[ "$rc" -eq 65 ] || fail "validate with bad dates: exit $rc"
n=$(grep -c "orders_export_2.csv" "$tmp/val")
grep -q "orders_export_2.csv: column 'Created at': [0-9,]* rows, expected .* — first at lines " "$tmp/val" || { head -40 "$tmp/val"; fail "no grouped problem line"; }
[ "$n" -le 3 ] || fail "validate printed $n lines for one repeated problem"
echo "import: $(grep -o "[0-9,]* rows, expected" "$tmp/val" | head -1 | cut -d' ' -f1) bad dates are one line in validate"

# Skip: the rows go to rejects.csv at their export lines, the rest is imported.
"$BIN" import "$bad" --schema "$bad/crm.yaml" --out "$tmp/skipped" --on-invalid skip > /dev/null
grep -q "orders_export_2.csv,$line,Created at," "$tmp/skipped/rejects.csv" || { head -3 "$tmp/skipped/rejects.csv"; fail "rejects.csv lacks the export line"; }

# A misspelt key: an error naming the nearest one.
printf 'transactions:\n  preset: shopify-orders\n  colums: {order_id: Name}\n' > "$tmp/typo.yaml"
set +e; "$BIN" validate "$tmp/exp" --schema "$tmp/typo.yaml" 2> "$tmp/err" > /dev/null; rc=$?; set -e
[ "$rc" -eq 65 ] && grep -q "did you mean 'columns'" "$tmp/err" || { cat "$tmp/err"; fail "a misspelt key: exit $rc"; }
"$BIN" help schema | grep -q "add_minutes" || fail "tenure help schema does not document add_minutes"
echo "import: rejects at export lines, misspelt keys named, tenure help schema documents the keys"

# The business day: UTC by default, the mapping's timezone:, overridden by --timezone.
mkdir -p "$tmp/tz"
printf 'customer_id,Created at,amount\nC1,2023-01-02 03:00:00 +0100,10\n' > "$tmp/tz/transactions.csv"
printf 'transactions: {columns: {date: {column: Created at, format: "%%Y-%%m-%%d %%H:%%M:%%S %%z"}}}\n' > "$tmp/tz/m.yaml"
"$BIN" import "$tmp/tz" --schema "$tmp/tz/m.yaml" --out "$tmp/tz1" > /dev/null
"$BIN" import "$tmp/tz" --schema "$tmp/tz/m.yaml" --out "$tmp/tz2" --timezone America/New_York > /dev/null
"$BIN" import "$tmp/tz" --schema "$tmp/tz/m.yaml" --out "$tmp/tz3" --timezone as-written > /dev/null
[ "$(sed -n 2p "$tmp/tz1/transactions.csv")" = "C1,2023-01-02,10" ] && [ "$(sed -n 2p "$tmp/tz2/transactions.csv")" = "C1,2023-01-01,10" ] \
  && [ "$(sed -n 2p "$tmp/tz3/transactions.csv")" = "C1,2023-01-02,10" ] || fail "--timezone does not set the business day"
set +e; "$BIN" validate "$tmp/data" --timezone Europe/Berlin > /dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 64 ] || fail "--timezone on a plain dataset: exit $rc, expected a usage error"
echo "import: 2023-01-02 03:00 +0100 is the 2nd in UTC and as written, the 1st with --timezone America/New_York"
