# Sourced by the end-to-end scripts that test bad input (needs $BIN, $tmp and a `fail` function):
#   expect CODE PATTERN LABEL -- ARGS...
# runs `$BIN ARGS -o $tmp/out.json` and requires exit CODE, PATTERN in what it printed to stderr, no
# output file, and $SECRET (a password or token the run was given), when set, never printed.
expect() {
  local code=$1 pat=$2 label=$3; shift 4
  set +e; "$BIN" "$@" -o "$tmp/out.json" 2>"$tmp/err" >/dev/null; local rc=$?; set -e
  [ "$rc" = "$code" ] || { cat "$tmp/err"; fail "$label: exit $rc, expected $code"; }
  grep -q -- "$pat" "$tmp/err" || { cat "$tmp/err"; fail "$label: message lacks '$pat'"; }
  [ ! -e "$tmp/out.json" ] || fail "$label: wrote output"
  if [ -n "${SECRET:-}" ] && grep -q -- "$SECRET" "$tmp/err"; then fail "$label: printed the secret"; fi
  echo "  $label: $(head -1 "$tmp/err")"
  return 0
}
