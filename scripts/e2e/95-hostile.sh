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

echo "95-hostile: ok"
