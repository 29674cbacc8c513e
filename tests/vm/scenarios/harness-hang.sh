#!/bin/sh
# Not a product scenario: a scenario that hangs, for the harness's own
# test (tests/vm/harness-test.sh) that guest/run.sh cuts it at its limit
# (budget.txt), reports it with its log and goes on with the next.
. "$(dirname "$0")/../guest/lib.sh"

ok "started"
echo "harness-hang: hanging now" >&2
sleep 100000
done_testing
