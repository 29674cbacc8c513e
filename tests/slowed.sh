#!/bin/sh
# tests/slowed.sh [FACTOR] [-- TEST.SH-ARGS...]: run ./test.sh as on a
# machine FACTOR times slower (default 1.5): every process of the run,
# the guests' QEMU and the compilers included, shares a CPU quota of
# nproc/FACTOR cores.  This is how the suite's time limits are shown to
# hold with a margin (tests/vm/README.md, "Time budget").
#
# systemd-run --scope -p CPUQuota=... where systemd runs; otherwise the
# cgroup v2 cpu.max or the cgroup v1 cpu controller directly.  Needs root.
set -eu
cd "$(dirname "$0")/.."

factor=1.5
case ${1:-} in
'' | --) ;;
*[!0-9.]* | .* | *.*.*) echo "slowed.sh: FACTOR must be a number, not '$1'" >&2; exit 2 ;;
*) factor=$1; shift ;;
esac
[ "${1:-}" != -- ] || shift

period=100000
quota=$(awk -v n="$(nproc)" -v f="$factor" -v p=$period \
	'BEGIN { q = int(n * p / f); if (q < 1000) q = 1000; print q }')
percent=$((quota * 100 / period))
echo "slowed.sh: ./test.sh $* with a CPU quota of $percent% ($(nproc) cores / $factor)" >&2

if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null; then
	exec systemd-run --quiet --scope -p "CPUQuota=$percent%" ./test.sh "$@"
fi

[ "$(id -u)" = 0 ] || { echo "slowed.sh: needs root (a cgroup of its own)" >&2; exit 2; }
name=vfio-mdev-pci-slowed-$$
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	cg=/sys/fs/cgroup/$name
	mkdir "$cg"
	echo "$quota $period" >"$cg/cpu.max"
elif [ -d /sys/fs/cgroup/cpu ]; then
	cg=/sys/fs/cgroup/cpu/$name
	mkdir "$cg"
	echo $period >"$cg/cpu.cfs_period_us"
	echo "$quota" >"$cg/cpu.cfs_quota_us"
else
	echo "slowed.sh: no systemd, no cgroup v2 and no cgroup v1 cpu controller" >&2
	exit 2
fi
# The quota holds for this shell and everything it starts; the group
# goes when the run has ended (it is empty by then).
echo $$ >"$cg/cgroup.procs"
rc=0
(./test.sh "$@") || rc=$?
echo $$ >"$(dirname "$cg")/cgroup.procs"
rmdir "$cg" 2>/dev/null || true
exit $rc
