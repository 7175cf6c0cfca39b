#!/usr/bin/env bash
# Hostile input and faults (issue #20), one block per row of the issue; the size cases run under
# `ulimit -v` so that a regression fails this check instead of exhausting the machine.
set -uo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "95-hostile: $*" >&2; exit 1; }
# expect STATUS TEXT -- command...: exit status and a fragment of stdout+stderr
expect() {
  local want=$1 text=$2; shift 3
  "$@" > "$tmp/out" 2>&1
  local got=$?
  [ "$got" = "$want" ] || { cat "$tmp/out" >&2; fail "$*: exit $got, expected $want"; }
  [ -z "$text" ] || grep -qF -- "$text" "$tmp/out" || { cat "$tmp/out" >&2; fail "$*: no '$text' in the output"; }
}
# bounded CMD...: the command under a 3 GB address-space limit and 60 s
bounded() { (ulimit -v 3000000; timeout 60 "$@"); }
tx() { mkdir -p "$tmp/$1"; printf "$2" > "$tmp/$1/transactions.csv"; }

# Row 1: far-off dates are data errors with file:line; matrices are bounded up front.
tx far 'customer_id,date,amount\nC1,2024-01-01,10.00\nC2,2024-02-01,20.00\nC1,9999-12-31,5.00\n'
expect 65 "transactions.csv:4: column 'date': got '9999-12-31', expected a date from 1900-01-01 to" -- bounded "$BIN" cohorts "$tmp/far" --period day
expect 65 "transactions.csv:4: column 'date': got '9999-12-31'" -- bounded "$BIN" validate "$tmp/far"
tx ancient 'customer_id,date,amount\nC1,2024-01-01,10.00\nC2,0001-01-01,20.00\n'
expect 65 "transactions.csv:3: column 'date': got '0001-01-01'" -- bounded "$BIN" cohorts "$tmp/ancient"
tx old 'customer_id,date,amount\nC1,2024-01-01,10.00\nC2,1900-01-01,20.00\n'
expect 64 "use a coarser --period" -- bounded "$BIN" cohorts "$tmp/old" --period day --format json
expect 0 "" -- bounded "$BIN" cohorts "$tmp/old" --period year --format json
expect 64 "--as-of '9999-12-31' is out of range" -- bounded "$BIN" cohorts "$tmp/old" --as-of 9999-12-31
echo "95-hostile: row 1 (far-off dates, bounded matrices) ok"

# Cohorts by signup date (auto: customers.csv has the column) with no signup date: say how to
# start them at the first purchase instead, not only that no customer was acquired.
tx nosignup 'customer_id,date,amount\nC1,2024-01-01,10.00\nC2,2024-02-01,20.00\n'
printf 'customer_id,signup_date,segment\nC1,,a\n' > "$tmp/nosignup/customers.csv"
expect 65 "pass --cohort-by first-purchase" -- bounded "$BIN" cohorts "$tmp/nosignup"
expect 0 "" -- bounded "$BIN" cohorts "$tmp/nosignup" --cohort-by first-purchase --format json
echo "95-hostile: cohorts by signup date without one say how to use the first purchase ok"

# Row 7: ids are trimmed like dates and amounts.
tx trim 'customer_id,date,amount\nC1 ,2024-01-01,10.00\nC1,2024-02-01,20.00\n C2,2024-02-01,5\n'
"$BIN" validate "$tmp/trim" | grep -q "3 rows          2 customers" || fail "ids not trimmed: $("$BIN" validate "$tmp/trim")"
echo "95-hostile: row 7 (ids trimmed) ok"

# Row 8: a failed write to standard output is exit 74 with a message.
if [ -w /dev/full ]; then
  "$BIN" cohorts datasets/sample --format json > /dev/full 2> "$tmp/err"; rc=$?
  [ $rc = 74 ] || fail "> /dev/full: exit $rc"
  grep -qF "cannot write standard output: No space left on device" "$tmp/err" || fail "message: $(cat "$tmp/err")"
  "$BIN" validate datasets/sample > /dev/full 2>/dev/null; [ $? = 74 ] || fail "validate > /dev/full: not 74"
fi
echo "95-hostile: row 8 (stdout errors) ok"

# Row 14: a report directory is replaced whole; a kill or a full disk changes nothing at --out.
"$BIN" generate --customers 3000 --out "$tmp/gen" --seed 3 --quiet
R="$tmp/rep"
"$BIN" report "$tmp/gen" --out "$R" --no-roi --formats html,md > /dev/null || fail "first report"
(cd "$R" && find . -type f | sort | xargs sha1sum) > "$tmp/old.sum"
"$BIN" report "$tmp/gen" --out "$tmp/ref" --no-roi --formats json,csv > /dev/null || fail "reference report"
(cd "$tmp/ref" && find . -type f | sort | xargs sha1sum) > "$tmp/new.sum"
start=$(date +%s%N); "$BIN" report "$tmp/gen" --out "$tmp/ref2" --no-roi --formats json,csv > /dev/null; ms=$(( ($(date +%s%N) - start) / 1000000 ))
for k in 1 2 3 4 5 6 7 8; do
  "$BIN" report "$tmp/gen" --out "$R" --no-roi --formats json,csv > /dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c "print($ms * $k / 8000)")"
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  now=$(cd "$R" && find . -type f | sort | xargs sha1sum)
  [ "$now" = "$(cat "$tmp/old.sum")" ] || [ "$now" = "$(cat "$tmp/new.sum")" ] || fail "kill $k: --out is neither the old nor the new report"
  [ "$now" = "$(cat "$tmp/new.sum")" ] && break
done
"$BIN" report "$tmp/gen" --out "$R" --no-roi --formats json,csv > /dev/null || fail "report after the kills"
[ "$(cd "$R" && find . -type f | sort | xargs sha1sum)" = "$(cat "$tmp/new.sum")" ] || fail "report after the kills differs"
[ -z "$(ls -A "$tmp" | grep '^\.rep\.tmp')" ] || fail "temporary directories left: $(ls -A "$tmp")"
# a full disk (a file-size limit, SIGXFSZ ignored so that write(2) fails): exit 74, --out unchanged
rm -rf "$R"; "$BIN" report "$tmp/gen" --out "$R" --no-roi --formats html,md > /dev/null
(trap '' XFSZ; ulimit -f 64; "$BIN" report "$tmp/gen" --out "$R" --no-roi > "$tmp/out" 2>&1); rc=$?
[ $rc = 74 ] || { cat "$tmp/out"; fail "report on a full disk: exit $rc, expected 74"; }
grep -qF "File too large" "$tmp/out" || fail "full disk message: $(cat "$tmp/out")"
[ "$(cd "$R" && find . -type f | sort | xargs sha1sum)" = "$(cat "$tmp/old.sum")" ] || fail "full disk changed --out"
[ -z "$(ls -A "$tmp" | grep '^\.rep\.tmp')" ] || fail "temporary directory left after a full disk"
echo "95-hostile: row 14 (atomic report directory: kills, full disk) ok"

# Row 2: a CSV rewritten while it is read: exit 0 or 65, never a signal (SIGBUS = 135, hang = timeout 124).
"$BIN" generate --customers 20000 --out "$tmp/big" --seed 5 --quiet
cp "$tmp/big/transactions.csv" "$tmp/tx.orig"
for k in $(seq 1 12); do
  python3 - "$tmp/tx.orig" "$tmp/big/transactions.csv" <<'PY' &
import sys, time
src = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "r+b") as f:
    f.truncate(0)
    for i in range(0, len(src), 256 * 1024):
        f.write(src[i:i + 256 * 1024]); f.flush(); time.sleep(0.002)
PY
  w=$!
  timeout 60 "$BIN" validate "$tmp/big" > "$tmp/out" 2>&1; rc=$?
  wait $w
  [ $rc = 0 ] || [ $rc = 65 ] || { cat "$tmp/out"; fail "validate while the file is rewritten: exit $rc"; }
done
echo "95-hostile: row 2 (file rewritten while read: 12 trials, no signal) ok"

# Row 4: deeply nested YAML as --schema, --targets, --scenarios: a data error, not a stack overflow.
python3 -c "print('x: '+'['*5000+']'*5000)" > "$tmp/deep.yaml"
expect 65 "nested at most 64 levels" -- "$BIN" cohorts datasets/sample --schema "$tmp/deep.yaml"
expect 65 "nested at most 64 levels" -- "$BIN" kpis datasets/sample --targets "$tmp/deep.yaml"
expect 65 "nested at most 64 levels" -- "$BIN" roi datasets/sample --scenarios "$tmp/deep.yaml"
echo "95-hostile: row 4 (deep YAML) ok"

# Row 5: roi resource caps, named, under a memory limit.
expect 64 "--simulations must be from 0 to 1000000" -- bounded "$BIN" roi datasets/sample --scenarios datasets/scenarios.yaml --simulations 1000000000
sed 's/^horizon: .*/horizon: 100 years/' datasets/scenarios.yaml > "$tmp/long.yaml"
expect 65 "a horizon of at most 120 months" -- bounded "$BIN" roi datasets/sample --scenarios "$tmp/long.yaml" --simulations 0
echo "95-hostile: row 5 (roi caps) ok"

# Row 11: a past initiative the data does not record is an error naming it.
sed 's/winback_2024/nonexistent_2099/' datasets/scenarios.yaml > "$tmp/unknown.yaml"
expect 65 "got 'nonexistent_2099', expected an initiative recorded in customers.csv" -- "$BIN" roi datasets/sample --scenarios "$tmp/unknown.yaml" --simulations 0
echo "95-hostile: row 11 (unknown past initiative) ok"

# Row 10: amounts too large to sum are bad values.
tx huge 'customer_id,date,amount\nC1,2024-01-01,1e308\nC2,2024-01-02,1e308\n'
expect 65 "transactions.csv:2: column 'amount': got '1e308', expected a number of at most 1e15 in magnitude" -- "$BIN" kpis "$tmp/huge"
expect 65 "expected a number of at most 1e15" -- "$BIN" cohorts "$tmp/huge" --metric revenue
echo "95-hostile: row 10 (overflow) ok"

# Row 12: silent choices are errors.
tx duphead 'customer_id,date,amount,amount\nC1,2024-01-01,1,2\n'
expect 65 "transactions.csv:1: column 'amount', expected each column name once in the header" -- "$BIN" validate "$tmp/duphead"
printf 'transactions:\n  date: d\n  date: e\n' > "$tmp/dupkey.yaml"
expect 65 "dupkey.yaml:3: column 'date', expected each key once in a mapping" -- "$BIN" cohorts datasets/sample --schema "$tmp/dupkey.yaml"
printf 'orders: {customer_id: cust}\n' > "$tmp/orders.yaml"
expect 65 "expected a table of tenure's: transactions" -- "$BIN" cohorts datasets/sample --schema "$tmp/orders.yaml"
echo "95-hostile: row 12 (silent choices) ok"

# Row 13: clear errors.
printf 'customer_id,date,amount\rC1,2024-01-01,1\r' > "$tmp/cr.csv"; mkdir -p "$tmp/cr"; mv "$tmp/cr.csv" "$tmp/cr/transactions.csv"
expect 65 "expected lines ending in LF or CRLF" -- "$BIN" cohorts "$tmp/cr"
mkdir -p "$tmp/dirtx/transactions.csv"
expect 65 "it is a directory; put the CSV file itself at this path" -- "$BIN" validate "$tmp/dirtx"
mkdir -p "$tmp/fifo"; mkfifo "$tmp/fifo/transactions.csv"
expect 65 "it is not a regular file" -- timeout 20 "$BIN" validate "$tmp/fifo"
printf 'x' > "$tmp/afile"
expect 74 "cannot write $tmp/afile: it exists and is not a directory" -- "$BIN" cohorts datasets/sample -o "$tmp/afile/out.json"
expect 64 "--horizon '-12m' must be positive" -- "$BIN" clv datasets/sample --horizon -12m
echo "95-hostile: row 13 (clear errors) ok"

# Row 15: --as-of before every transaction is the same error (exit 65) for every command.
for cmd in validate cohorts survival clv kpis report; do
  extra=""; [ $cmd = report ] && extra="--out $tmp/early"
  expect 65 "expected an end of observation (--as-of) on or after the first transaction" -- "$BIN" $cmd datasets/sample --as-of 2000-01-01 $extra
done
expect 65 "on or after the first transaction" -- "$BIN" roi datasets/sample --scenarios datasets/scenarios.yaml --as-of 2000-01-01
echo "95-hostile: row 15 (--as-of before the data) ok"

# Row 6: roi past initiatives see only rows up to --as-of.
cp -r datasets/sample "$tmp/late"
python3 - "$tmp/late" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/customers.csv", newline="")))
treated = [r["customer_id"] for r in rows if r["initiative"] == "winback_2024" and r["group"] in ("treatment", "treated")]
assert treated, "no treated customer in the sample"
with open(d + "/transactions.csv", "a") as f:
    for c in treated[:50]:
        f.write(f"{c},2026-01-15,100000.00,,,,,\n")
PY
past() { "$BIN" roi "$1" --scenarios datasets/scenarios.yaml --as-of 2025-06-30 --simulations 0 --format json \
  | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['result']['past_initiatives'], sort_keys=True))"; }
a=$(past datasets/sample) || fail "roi on the sample"
b=$(past "$tmp/late") || fail "roi with a late row"
[ -n "$a" ] && [ "$a" = "$b" ] || fail "past initiatives changed by rows after --as-of: $a vs $b"
echo "95-hostile: row 6 (past initiatives up to --as-of) ok"

# Row 3: exit after a failed fit is exit 70 every time (OpenBLAS threads alive at exit crashed 1 in 100).
# (The committed sample at --as-of 2024-12-31 is such a fit until row 9 is resolved; any exit-70 case will do.)
bad=0
for k in $(seq 1 60); do
  "$BIN" roi datasets/sample --scenarios datasets/scenarios.yaml --as-of 2024-12-31 --simulations 0 > /dev/null 2>&1; rc=$?
  [ $rc = 70 ] || [ $rc = 0 ] || bad=$((bad+1))
done
[ $bad = 0 ] || fail "$bad of 60 exits after a failed fit were signals"
echo "95-hostile: row 3 (60 exits after a failed fit, no signal) ok"

echo "95-hostile: ok"
