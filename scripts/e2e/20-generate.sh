#!/usr/bin/env bash
# tenure generate: same seed → same bytes, every SPEC table and truth.json, argument validation.
set -euo pipefail
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "20-generate: $*" >&2; exit 1; }

"$BIN" generate --customers 3000 --out "$TMP/a" --seed 17 > "$TMP/summary.txt"
"$BIN" generate --customers 3000 --out "$TMP/b" --seed 17 --quiet
"$BIN" generate --customers 3000 --out "$TMP/c" --seed 18 --quiet

for f in transactions.csv customers.csv subscriptions.csv surveys.csv tickets.csv interactions.csv \
         leads.csv marketing_spend.csv truth.json; do
  [ -s "$TMP/a/$f" ] || fail "missing or empty $f"
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs with seed 17"
done
cmp -s "$TMP/a/transactions.csv" "$TMP/c/transactions.csv" && fail "seeds 17 and 18 gave the same transactions"
ls -A "$TMP/a" | grep -q '\.tmp-' && fail "temporary files left behind"

head -1 "$TMP/a/transactions.csv" | grep -qx 'customer_id,date,amount,order_id,segment,channel,product,category' \
  || fail "transactions.csv header"
grep -q '"bgnbd"' "$TMP/a/truth.json" || fail "truth.json lacks bgnbd"
grep -q '"observation_end" : "2025-06-30"' "$TMP/a/truth.json" || fail "truth.json lacks observation_end"
grep -q 'transactions.csv' "$TMP/summary.txt" || fail "summary does not list transactions.csv"
rows=$(($(wc -l < "$TMP/a/transactions.csv") - 1))
grep -q "transactions.csv  *$rows rows" "$TMP/summary.txt" || fail "summary row count != $rows"

# A subset writes only what was asked, with the same transactions.
"$BIN" generate --customers 3000 --out "$TMP/d" --seed 17 --only-transactions --quiet
[ "$(ls "$TMP/d" | tr '\n' ' ')" = "transactions.csv truth.json " ] || fail "--only-transactions wrote $(ls "$TMP/d")"
cmp -s "$TMP/a/transactions.csv" "$TMP/d/transactions.csv" || fail "--only-transactions changed transactions.csv"

# Every file loads cleanly.
"$BIN" validate "$TMP/a" > "$TMP/validate.txt" || fail "generated dataset does not validate: $(tail -5 "$TMP/validate.txt")"

# The bytes do not depend on the number of threads (several blocks of 32,768 customers).
TENURE_THREADS=1 "$BIN" generate --customers 100000 --out "$TMP/t1" --seed 5 --quiet
TENURE_THREADS=2 "$BIN" generate --customers 100000 --out "$TMP/t2" --seed 5 --quiet
for f in "$TMP"/t1/*; do cmp -s "$f" "$TMP/t2/$(basename "$f")" || fail "$(basename "$f") depends on TENURE_THREADS"; done

# Hostile labels: quoted per RFC 4180, and the dataset still validates.
"$BIN" generate --customers 500 --out "$TMP/h" --seed 3 --hostile-labels --quiet
"$BIN" validate "$TMP/h" > /dev/null || fail "--hostile-labels dataset does not validate"
grep -qF ',<script>alert(1)</script>,' "$TMP/h/customers.csv" || fail "no <script> segment in customers.csv"
grep -qF ',"O'"'"'Brien & ""Sons"", Ltd | <b>",' "$TMP/h/transactions.csv" || fail "quoted segment label missing"
grep -qF '<img src=x onerror=alert(2)>' "$TMP/h/marketing_spend.csv" || fail "hostile channel missing"

# Help text has examples.
"$BIN" generate --help | grep -q "Examples:" || fail "generate --help has no examples"

# Bad arguments fail with a message and a non-zero exit.
if "$BIN" generate --customers 0 --out "$TMP/e" 2> "$TMP/err.txt"; then fail "--customers 0 accepted"; fi
grep -q "customers" "$TMP/err.txt" || fail "no message for --customers 0"
if "$BIN" generate --customers 10 --out "$TMP/e" --tables nope 2> "$TMP/err.txt"; then fail "--tables nope accepted"; fi
grep -q "unknown table" "$TMP/err.txt" || fail "no message for --tables nope"
touch "$TMP/file"
if "$BIN" generate --customers 10 --out "$TMP/file" 2>/dev/null; then fail "--out pointing at a file accepted"; fi
echo "20-generate: ok"
