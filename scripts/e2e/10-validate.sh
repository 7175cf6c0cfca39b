#!/usr/bin/env bash
# tenure validate end to end on the bad-input corpus (Tests/Fixtures/bad-input): every documented
# error with its file, line, column, value and expectation and a non-zero exit; valid oddities
# (BOM, CRLF, quoted newline, enormous field) accepted; --schema, --as-of, --on-invalid skip with
# rejects.csv and its reasons; bad options.
set -euo pipefail
BIN=$1
C=Tests/Fixtures/bad-input
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "10-validate: $*" >&2; exit 1; }

# run CASE EXPECTED_STATUS [options...]: output (stdout + stderr) in $tmp/out
run() {
  local dir=$1 want=$2; shift 2
  set +e
  "$BIN" validate "$dir" "$@" > "$tmp/out" 2>&1
  local got=$?
  set -e
  [ "$got" = "$want" ] || { cat "$tmp/out" >&2; fail "validate $dir $*: exit $got, expected $want"; }
}
has() { grep -qF -- "$1" "$tmp/out" || { cat "$tmp/out" >&2; fail "missing in output: $1"; }; }

# 1. valid datasets (including the oddities that must load)
for ok in all-tables bom crlf quoted-newline enormous-field; do
  if [ "$ok" = quoted-newline ]; then continue; fi   # has a bad row on line 6 (checked below)
  run "$C/$ok" 0
  has "no problems found"
done
run "$C/all-tables" 0
has "end of observation 2024-03-01 (latest date in the data)"
has "transactions.csv"
has "3 rows"

# 2. each documented error: file:line: column 'c': got 'value', expected ...
run "$C/bad-date" 65
has "bad-date/transactions.csv:4: column 'date': got '03/15/2024', expected an ISO 8601 date such as 2024-03-01 or 2024-03-01T12:30:00Z — write dates as year-month-day"
run "$C/impossible-date" 65
has "impossible-date/transactions.csv:3: column 'date': got '2024-02-30'"
has "no such day in the calendar"
run "$C/bad-number" 65
has "bad-number/transactions.csv:3: column 'amount': got '1,234.50', expected a number such as 19.99 — use '.' as the decimal point"
run "$C/missing-column" 65
has "expected a column named 'date' (found: customer_id, order_date, amount)"
run "$C/semicolons" 65
has "the file seems to use ';' between fields"
run "$C/unterminated-quote" 65
has "transactions.csv:3"
has "expected a closing '\"' for the quoted field opened here"
run "$C/stray-quote" 65
has "expected a '\"' only around a whole field (a stray quote at byte offset 60)"
run "$C/empty-file" 65
has "expected a header line naming the columns (customer_id,date,amount) — the file is empty (0 bytes)"
run "$C/header-only" 65
has "expected at least one transaction row after the header"
run "$C/invalid-utf8" 65
has "transactions.csv:3"
has "UTF-8 text (byte 0xE9 at byte offset 47 is not valid UTF-8)"
run "$C/wrong-field-count" 65
has "transactions.csv:4"
has "expected 3 fields like the header, got 4"
run "$C/quoted-newline" 65
has "transactions.csv:6: column 'amount': got 'oops'"
run "$C/survey-range" 65
has "surveys.csv:3"
run "$C/missing-transactions" 65
has "transactions.csv (customer_id, date, amount) or subscriptions.csv (customer_id, start_date)"
run "$C/does-not-exist" 65
has "the directory does not exist"

# 3. all problems at once, not just the first
run "$C/many-problems" 65
has "5 problems found:"
has "many-problems/transactions.csv:3: column 'date'"
has "many-problems/transactions.csv:4: column 'amount'"
has "each customer_id once (first seen on line 2)"
has "a column named 'start_date'"

# 4. --schema maps column names
run "$C/schema-mapping" 65
has "expected a column named 'customer_id'"
run "$C/schema-mapping" 0 --schema "$C/schema-mapping/schema.yaml"
has "no problems found"

# 5. --on-invalid skip: rejected rows with their reasons in rejects.csv; exit 0 when the analyses can
#    go on without them, 65 when a problem stops them.
(cd "$tmp" && "$BIN" validate "$OLDPWD/$C/bad-date" --on-invalid skip > out 2> err) || fail "skip on bad-date should exit 0"
grep -qF "1 rejected row(s)" "$tmp/err" || fail "no note about rejects.csv: $(cat "$tmp/err")"
python3 - "$tmp/rejects.csv" <<'PY' || fail "rejects.csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert list(rows[0].keys()) == ["file", "line", "column", "value", "reason", "record"], rows[0].keys()
assert len(rows) == 1, rows
r = rows[0]
assert r["file"].endswith("bad-date/transactions.csv") and r["line"] == "4" and r["column"] == "date", r
assert r["value"] == "03/15/2024" and r["reason"].startswith("expected an ISO 8601 date"), r
assert r["record"] == "C1,03/15/2024,7.25", r
PY
run "$C/many-problems" 65 --on-invalid skip --rejects "$tmp/many.csv"
python3 - "$tmp/many.csv" <<'PY' || fail "rejects.csv of many-problems"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 4, rows            # the missing subscriptions column is not a row: it stops the analyses
assert {r["column"] for r in rows} == {"date", "amount", "customer_id", "score"}, rows
assert all(r["reason"].startswith("expected ") for r in rows)
PY
run "$C/missing-column" 65 --on-invalid skip --rejects "$tmp/none.csv"
[ ! -e "$tmp/none.csv" ] || fail "rejects file written for a table-level problem"

# 6. --as-of: shown, rows after it counted, before the first transaction is a problem
run "$C/all-tables" 0 --as-of 2024-01-15
has "end of observation 2024-01-15 (--as-of)"
has "after the end of observation: left out"
run "$C/all-tables" 65 --as-of 2020-01-01
has "expected an end of observation (--as-of) on or after the first transaction (2024-01-01)"

# 7. bad options: usage errors (exit 64) with a clear message
run "$C/all-tables" 64 --as-of 03/01/2024
has "--as-of '03/01/2024' is not an ISO date"
run "$C/all-tables" 64 --on-invalid ignore
has "The value 'ignore' is invalid for '--on-invalid <on-invalid>'. Please provide one of 'fail' and 'skip'."

# 8. help has examples
"$BIN" validate --help | grep -qF "tenure validate data/ --on-invalid skip" || fail "help without examples"
echo "10-validate: ok"
