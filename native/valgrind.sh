#!/bin/sh
# Memory check of the native layer: the native tests, then the leak probe at two operation
# counts, each under valgrind memcheck. Fails on any invalid access or use of undefined
# memory in erlsock code, or if definitely/indirectly lost bytes grow with the number of
# operations. Node's own start-up allocations (never freed at exit) are the constant floor
# the comparison cancels out. Needs a build (npx tsc -p . && node-gyp rebuild).
set -eu
cd "$(dirname "$0")/.."
OUT=${VALGRIND_OUT:-build/valgrind}
mkdir -p "$OUT"
# native/valgrind.supp holds the one known false positive (V8's conservative stack scan
# during GC); nothing in it names erlsock_native.node.
VG="valgrind --tool=memcheck --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=none --track-origins=no --suppressions=native/valgrind.supp --num-callers=30"

fail=0

echo "== native tests under valgrind"
# The 10,000-socket and child-process tests run their own node, outside valgrind.
if ! ERLSOCK_TEST_TIME_SCALE=30 $VG --log-file="$OUT/tests.log" node node_modules/mocha/bin/mocha.js --no-config --exit --timeout 600000 \
    --reporter dot 'dist/test/native/**/*.test.js' >"$OUT/tests.out" 2>&1; then
  echo "native tests under valgrind failed: see $OUT/tests.out and $OUT/tests.log"; fail=1
fi
tail -n 4 "$OUT/tests.out"

erlsock_errors() {
  # Error records whose stack passes through the addon.
  awk '/^==[0-9]+== [A-Z]/{rec=$0; next} /erlsock_native/{print rec}' "$1" | grep -v "lost in loss record" | sort -u || true
}
lost() {
  # definitely + indirectly lost bytes from the LEAK SUMMARY
  awk '/definitely lost:|indirectly lost:/{gsub(",","",$4); s+=$4} END{print s+0}' "$1"
}

for n in 200 2000; do
  echo "== leak probe, $n rounds"
  $VG --log-file="$OUT/probe_$n.log" node dist/test/native/_leak_probe.js "$n" >"$OUT/probe_$n.out" 2>&1 || {
    echo "leak probe $n failed: see $OUT/probe_$n.log"; fail=1; }
  cat "$OUT/probe_$n.out"
done

for f in "$OUT/tests.log" "$OUT/probe_200.log" "$OUT/probe_2000.log"; do
  errs=$(erlsock_errors "$f")
  if [ -n "$errs" ]; then echo "memcheck errors through erlsock_native in $f:"; echo "$errs"; fail=1; fi
  grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$f" | sed "s|^|$(basename "$f"): |"
done

a=$(lost "$OUT/probe_200.log"); b=$(lost "$OUT/probe_2000.log")
echo "lost bytes (definite+indirect): 200 rounds $a, 2000 rounds $b"
# 10x the operations must not lose more: allow 4 KiB of slack for V8 heuristics.
if [ "$b" -gt $((a + 4096)) ]; then echo "leak grows with operation count"; fail=1; fi

[ "$fail" -eq 0 ] && echo "valgrind: OK" || echo "valgrind: FAILED"
exit "$fail"
