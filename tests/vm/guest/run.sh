#!/bin/sh
# Guest side of the VM harness, started at every boot by vmtest.service
# (see tests/vm/image-customize.sh).  Installs the project once, then runs
# the scenarios named in /mnt/out/plan that have no result yet, and powers
# off.  A scenario that exits 100 asked for a reboot: it is run again after
# the reboot and continues from the state it keeps in /var/lib/vmtest.
SRC=/mnt/src
OUT=/mnt/out
RES=$OUT/results
STATE=/var/lib/vmtest
mkdir -p "$STATE" "$RES"
# Settings from the host's run.sh --env (NAME=VALUE lines), exported to
# every step; VMTEST_STEP_TIMEOUT is one for this script itself.
if [ -s "$OUT/env" ]; then
	set -a
	. "$OUT/env"
	set +a
fi

mark() { echo "VMTEST: $*" >/dev/kmsg; }

boot=$(($(cat "$STATE/boots" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$STATE/boots"
dmesg -c >>"$RES/boot-$boot.dmesg"
mark "boot $boot reached multi-user.target after $(cut -d' ' -f1 /proc/uptime) s"

# run_step NAME COMMAND...: one entry of the plan, with its own TAP file,
# stderr log, exit code and kernel log.
run_step() {
	name=$1
	shift
	[ -e "$RES/$name.rc" ] && return 0
	mark "$name: start"
	rc=0
	timeout --kill-after=10 "${VMTEST_STEP_TIMEOUT:-1200}" "$@" \
		>>"$RES/$name.tap" 2>>"$RES/$name.log" </dev/null || rc=$?
	dmesg -c >>"$RES/$name.dmesg"
	if [ "$rc" = 100 ]; then
		mark "$name: reboot requested"
		: >"$OUT/rebooting"
		sync
		systemctl reboot
		exit 0
	fi
	[ "$rc" = 124 ] && echo "# timed out" >>"$RES/$name.tap"
	echo "$rc" >"$RES/$name.rc"
	mark "$name: finished (exit $rc)"
}

run_step install sh "$SRC/tests/vm/guest/install.sh"
# The host boots an image with a debug kernel under Debian's kernel first,
# for the install; the scenarios run under the kernel named here.
want=$(cat "$OUT/scenario-kernel" 2>/dev/null || true)
if [ -n "$want" ] && [ "$(uname -r)" != "$want" ]; then
	mark "rebooting into $want for the scenarios"
	: >"$OUT/rebooting"
	sync
	systemctl reboot
	exit 0
fi
while read -r scenario; do
	[ -n "$scenario" ] || continue
	run_step "$scenario" sh "$SRC/tests/vm/scenarios/$scenario.sh"
done <"$OUT/plan"

mark "all scenarios done"
: >"$OUT/done"
sync
systemctl poweroff -ff
