#!/bin/sh
# summary.sh TESTLOG.json: the time budget table (every test's duration,
# and each guest's boot, steps and limit from the "# time:" lines the VM
# harness prints), then the line CI reads.  Counts meson tests (a TAP test
# is one test; its subtests are in the log).
set -eu
log=${1:?usage: summary.sh testlog.json}
[ -s "$log" ] || { echo "0 passed, 1 failed (no test log: $log)"; exit 0; }

echo
echo "Time budget (seconds; limits from tests/vm/budget.txt):"
jq -r '"  test \(.name): \(.duration | floor) s, \(.result)"' "$log"
jq -r '.stdout // ""' "$log" | sed -n 's/^# time: /  /p'
echo
jq -rs '
  def n(r): [.[] | select(.result == r)] | length;
  "\(n("OK") + n("EXPECTEDFAIL")) passed, \(n("FAIL") + n("TIMEOUT") +
    n("ERROR") + n("UNEXPECTEDPASS")) failed, \(n("SKIP")) skipped"
' "$log"
