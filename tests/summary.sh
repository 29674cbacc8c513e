#!/bin/sh
# summary.sh TESTLOG.json: the line CI reads, from meson's test log.
# Counts meson tests (a TAP test is one test; its subtests are in the log).
set -eu
log=${1:?usage: summary.sh testlog.json}
[ -s "$log" ] || { echo "0 passed, 1 failed (no test log: $log)"; exit 0; }
jq -rs '
  def n(r): [.[] | select(.result == r)] | length;
  "\(n("OK") + n("EXPECTEDFAIL")) passed, \(n("FAIL") + n("TIMEOUT") +
    n("ERROR") + n("UNEXPECTEDPASS")) failed, \(n("SKIP")) skipped"
' "$log"
