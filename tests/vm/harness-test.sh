#!/bin/bash
# harness-test.sh VFIO_CLIENT: TAP: the VM harness cuts a hanging scenario
# at its own limit and reports it with its log, and the guest goes on: a
# kernel-tier guest runs scenarios/harness-hang.sh (limit from budget.txt)
# and then mdev-groups, which must pass.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-harness.XXXXXX")
trap 'rm -rf "$out"' EXIT

rc=0
"$here/run.sh" --kernel trixie --vfio-client "$1" --name harness --out "$out/run" \
	harness-hang mdev-groups >"$out/tap" || rc=$?
grep '^# time:' "$out/tap"

n=0
expect() {	# expect DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
has() { grep -Eq "$1" "$out/tap"; }
expect "run.sh fails the guest" test "$rc" != 0
expect "the hanging scenario is reported as cut at its limit" \
	has '^# timed out after its limit of [0-9]+ s'
expect "the hanging scenario fails" has '^not ok [0-9]+ - harness-hang: '
expect "its log is attached" has 'harness-hang: hanging now'
expect "its result before the hang is kept" has '^ok [0-9]+ - harness-hang: started'
expect "the next scenario ran and passed" has '^ok [0-9]+ - mdev-groups: kernel log has no warnings'
expect "nothing of the next scenario failed" sh -c "! grep -q '^not ok [0-9]* - mdev-groups' '$out/tap'"
expect "no environment error (the guest finished)" sh -c "! grep -q '^not ok [0-9]* - environment' '$out/tap'"
echo "1..$n"
