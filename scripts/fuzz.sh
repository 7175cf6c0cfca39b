#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of tenure's readers of untrusted files:
#   FuzzCSV   the CSV reader and the checks of `tenure validate`, every table of SPEC §1
#   FuzzYAML  the three YAML files: --schema, --targets, --scenarios
#   FuzzArrow Arrow IPC streams (TenureArrow: Spark Connect's results)
# The fuzz targets are their own package (Tests/Fuzz, depending on the root by path) built in
# their own folder (.build-fuzz), so the normal build and `swift test` never see them.
#
#   scripts/fuzz.sh [--time SECONDS] [TARGET...]     (default: 60 s for each of FuzzCSV FuzzYAML FuzzArrow)
#
# Each target starts from the committed seeds (Tests/Fuzz/corpus/<kind>) plus what earlier runs
# on this machine found (.build-fuzz/corpus/<target>, not committed) and runs single-process for the
# given time. A crash, a trap, an input that takes over 10 s or more than 2 GB makes the run fail;
# the input is written to .build-fuzz/artifacts/<target>/ and the command reproducing it is printed.
# One process per target, one after the other (no -jobs/-workers: the machine's cores are shared).
# FUZZ_NO_BUILD=1 skips the build; FUZZ_BUILD_JOBS=N passes -j N to swift build; FUZZ_OUT=DIR keeps
# corpus, findings and logs in DIR (default .build-fuzz); FUZZ_ARGS passes more libFuzzer options
# (e.g. -runs=10000000, which stops at that many executions).
set -uo pipefail
cd "$(dirname "$0")/.."
TIME=60
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) TIME="$2"; shift 2 ;;
    --time=*) TIME="${1#--time=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(FuzzCSV FuzzYAML FuzzArrow)
SCRATCH=.build-fuzz
OUT=${FUZZ_OUT:-$SCRATCH}
SWIFT=${SWIFT:-swift}

# Debug configuration with -O: the root package's release settings use -Ounchecked, which would
# remove the bounds and overflow checks a fuzzer relies on to notice a bug. lld: ld.gold stops with
# an internal error (dwarf_reader.cc) on these links.
BUILD=("$SWIFT" build -c debug ${FUZZ_BUILD_JOBS:+-j "$FUZZ_BUILD_JOBS"} --package-path Tests/Fuzz --scratch-path "$SCRATCH"
       -Xswiftc -O -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link -Xswiftc -use-ld=lld)
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  echo "fuzz: building ${TARGETS[*]} into $SCRATCH"
  products=(); for t in "${TARGETS[@]}"; do products+=(--product "$t"); done
  [ ${#TARGETS[@]} -eq 1 ] || products=()   # both: one build of the whole fuzz package
  start=$SECONDS
  "${BUILD[@]}" "${products[@]}" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Merging|Wrapping)'
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz: build failed"; exit 1; }
  echo "fuzz: built in $((SECONDS - start))s"
fi

status=0
for t in "${TARGETS[@]}"; do
  case "$t" in FuzzCSV) kind=csv; extra=(-max_len=4096) ;; FuzzYAML) kind=yaml; extra=(-max_len=2048) ;;
    FuzzArrow) kind=arrow; extra=(-max_len=4096) ;;
    *) echo "fuzz: unknown target $t"; exit 2 ;; esac
  bin="$SCRATCH/debug/$t"
  work="$OUT/corpus/$t"; art="$OUT/artifacts/$t"; log="$OUT/$t.log"
  mkdir -p "$work" "$art"
  echo "fuzz: $t for ${TIME}s (seeds Tests/Fuzz/corpus/$kind, corpus $work, log $log)"
  # SWIFT_BACKTRACE=enable=no: Swift's backtracer would otherwise take the trap's signal first and
  # exit before libFuzzer writes the input to the artifacts folder (seen on a FuzzCSV finding).
  SWIFT_BACKTRACE=enable=no "$bin" "$work" "Tests/Fuzz/corpus/$kind" -dict="Tests/Fuzz/$kind.dict" "${extra[@]}" \
    -max_total_time="$TIME" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -artifact_prefix="$art/" -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  execs=$(awk '/^stat::number_of_executed_units:/ {v=$2} END {print v}' "$log")
  secs=$(awk '/^stat::average_exec_per_sec:/ {v=$2} END {print v}' "$log")
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $t passed: ${execs:-?} executions (${secs:-?}/s), $cov"
  else
    status=1
    echo "fuzz: $t FAILED (exit $rc) after ${execs:-?} executions; last lines of $log:"
    grep -v '^#[0-9]' "$log" | tail -40
    for a in $(grep -Eo "(Test unit|artifact) written to [^ ]+" "$log" | awk '{print $NF}'); do
      echo "fuzz: reproducer: $a"
      echo "fuzz: reproduce with: $bin $a"
    done
  fi
done
exit $status
