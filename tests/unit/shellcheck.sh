#!/bin/sh
# TAP: shellcheck every POSIX sh entry point and test script given.
set -u
if ! command -v shellcheck >/dev/null 2>&1; then
	echo "1..0 # SKIP shellcheck is not installed"
	exit 0
fi
echo "1..$#"
n=0
for f in "$@"; do
	n=$((n + 1))
	if out=$(shellcheck -s sh "$f" 2>&1); then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
