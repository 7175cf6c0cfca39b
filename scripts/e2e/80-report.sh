#!/usr/bin/env bash
# tenure report end to end, on a generated dataset whose segment labels are hostile
# (`<script>alert(1)</script>`, quotes and a newline) and whose path has quotes and angle brackets:
#   - every file is written, every analysis section is present, same seed gives the same bytes;
#   - the page renders in headless Chromium to a non-blank PNG of the expected size, and prints to PDF;
#   - the hostile labels are escaped in HTML, SVG, Markdown and the notebook;
#   - the notebook validates with nbformat and re-executes with nbclient (pandas reloads every table);
#   - bad --formats and a missing dataset fail with a message.
# Needs chromium and nbformat/nbclient/ipykernel/pandas (scripts/install-test-deps.sh).
set -euo pipefail
BIN=$1
cd "$(dirname "$0")/../.."
CHECK="python3 scripts/check-report.py"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
HOSTILE='<script>alert(1)</script>'
if "$BIN" generate --help 2>&1 | grep -q -- --hostile-labels; then
  # segments <script>alert(1)</script>, O'Brien & "Sons", Ltd | <b>, Über-Großkunden 🚀 </table>;
  # give the last one a newline too
  "$BIN" generate --customers 4000 --out "$tmp/gen" --seed 7 --quiet --hostile-labels
  $CHECK inject "$tmp/gen" $'Über-Großkunden 🚀 </table>=>Über-Großkunden\n🚀 </table>'
else
  "$BIN" generate --customers 4000 --out "$tmp/gen" --seed 7 --quiet
  $CHECK inject "$tmp/gen" "retail=>$HOSTILE" $'smb=>O\'Brien & "Sons", Ltd | <b>' $'enterprise=>Über-Großkunden\n🚀 </table>'
fi
DATA="$tmp/da\"ta <b>'x'"
mv "$tmp/gen" "$DATA"
cp datasets/scenarios.yaml "$tmp/scenarios.yaml"

start=$(date +%s.%N)
"$BIN" report "$DATA" --out "$tmp/r" --simulations 500 > "$tmp/stdout"
echo "report: 4,000 customers in $(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')") s"
grep -q "open:     file://$tmp/r/report.html" "$tmp/stdout" || { echo "no 'open:' line"; cat "$tmp/stdout"; exit 1; }
for f in report.html report.md results.json report.ipynb tables/kpis.csv charts/km_curves.svg \
         charts/cohort_retention_heatmap.svg charts/cohort_forecast.svg charts/clv_by_segment.svg charts/clv_tracking.svg \
         charts/roi_intervals.svg; do
  test -s "$tmp/r/$f" || { echo "missing $f"; ls -R "$tmp/r"; exit 1; }
done
grep -q "target met\\|target missed" "$tmp/r/report.html" || { echo "no KPI tile compared with a target"; exit 1; }
echo "report: every file written ($(find "$tmp/r" -type f | wc -l) files), KPI tiles compared with targets"

python3 - "$tmp/r/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1
status = {s["id"]: s.get("unavailable") for s in d["sections"]}
for sid in ("kpis", "cohorts", "survival", "clv", "roi"):
    assert sid in status, f"section {sid} missing"
    assert status[sid] is None, f"section {sid} unavailable: {status[sid]}"
    assert sid in d["results"], f"no result for {sid}"
segs = {s["segment"] for s in d["results"]["clv"]["probabilistic"]["segments"]}
assert "<script>alert(1)</script>" in segs, segs
print(f"report: sections {', '.join(status)} all present; CLV segments {sorted(segs)!r}")
PY

# same seed, same bytes (notebook and JSON)
"$BIN" report "$DATA" --out "$tmp/r2" --simulations 500 --formats json,ipynb > /dev/null
cmp "$tmp/r/results.json" "$tmp/r2/results.json"
cmp "$tmp/r/report.ipynb" "$tmp/r2/report.ipynb"
echo "report: deterministic (results.json and report.ipynb identical on a second run)"

# render in headless Chromium
CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || { echo "chromium is not installed (scripts/install-test-deps.sh installs it)"; exit 1; }
W=1280; H=4000
timeout 180 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage \
  --user-data-dir="$tmp/chrome" --screenshot="$tmp/page.png" --window-size=$W,$H \
  "file://$tmp/r/report.html" > "$tmp/chrome.log" 2>&1 || { cat "$tmp/chrome.log"; exit 1; }
$CHECK png "$tmp/page.png" $W $H
timeout 180 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$tmp/chrome" \
  --no-pdf-header-footer --print-to-pdf="$tmp/page.pdf" "file://$tmp/r/report.html" > "$tmp/chrome.log" 2>&1 || { cat "$tmp/chrome.log"; exit 1; }
python3 - "$tmp/page.pdf" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
assert b.startswith(b"%PDF"), "not a PDF"
pages = len(re.findall(rb"/Type\s*/Page[^s]", b))
assert pages >= 3, f"only {pages} printed pages"
print(f"ok   printed to PDF: {pages} pages, {len(b) // 1024} kB")
PY
if [ -n "${TENURE_KEEP_SCREENSHOT:-}" ]; then cp "$tmp/page.png" "$TENURE_KEEP_SCREENSHOT"; fi

# escaping of hostile labels, then the notebook
$CHECK escaped "$tmp/r" "$HOSTILE"
grep -q 'O&#39;Brien &amp; &quot;Sons&quot;, Ltd | &lt;b&gt;' "$tmp/r/report.html" \
  || { echo "quoted segment label not found escaped in report.html"; exit 1; }
if grep -q '</table>$' "$tmp/r/report.md"; then echo "raw </table> in report.md"; exit 1; fi
$CHECK notebook "$tmp/r" "$HOSTILE"

# errors
if "$BIN" report "$DATA" --out "$tmp/bad" --formats html,pdf 2> "$tmp/err"; then echo "--formats pdf accepted"; exit 1; fi
grep -q "unknown report format 'pdf'" "$tmp/err" || { cat "$tmp/err"; exit 1; }
if "$BIN" report "$tmp/nowhere" --out "$tmp/bad" 2> "$tmp/err"; then echo "missing dataset accepted"; exit 1; fi
test -s "$tmp/err"
echo "report: ok"
