#!/bin/sh
# Guest side of the VM harness, started at every boot: by vmtest.service
# in the integration tier's Debian guests (see tests/vm/image-customize.sh),
# by guest/kernel-init in the kernel tier's initramfs.  In a Debian guest
# it installs the project once, or checks the packages' install
# (guest/install-*.sh); then it runs the scenarios named in
# /mnt/out/plan that have no result yet, and powers off.  A scenario that
# exits 100 asked for a reboot: it is run again after the reboot and
# continues from the state it keeps in /var/lib/vmtest.
SRC=/mnt/src
OUT=/mnt/out
RES=$OUT/results
STATE=/var/lib/vmtest
mkdir -p "$STATE" "$RES"
# Settings from the host's run.sh --env (NAME=VALUE lines), exported to
# every step.
if [ -s "$OUT/env" ]; then
	set -a
	. "$OUT/env"
	set +a
fi

mark() { echo "VMTEST: $*" >/dev/kmsg; }
# The initramfs has busybox and no systemd.
if [ -d /run/systemd/system ]; then
	power_off() { systemctl poweroff -ff; }
	reboot_now() { systemctl reboot; }
else
	power_off() { poweroff -f; }
	reboot_now() { reboot -f; }
fi

boot=$(($(cat "$STATE/boots" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$STATE/boots"
dmesg -c >>"$RES/boot-$boot.dmesg"
mark "boot $boot reached the test runner after $(cut -d' ' -f1 /proc/uptime) s"

# run_step NAME LIMIT COMMAND...: one entry of the plan, with its own TAP
# file, stderr log, exit code, kernel log and time, cut after LIMIT s.
# COMMAND is a path: busybox's timeout (the initramfs) would run its own
# applet for a bare "sh", and that shell its own modprobe.
run_step() {
	name=$1 limit=$2
	shift 2
	[ -e "$RES/$name.rc" ] && return 0
	mark "$name: start"
	rc=0
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout -k 10 "$limit" "$@" \
		>>"$RES/$name.tap" 2>>"$RES/$name.log" </dev/null || rc=$?
	dmesg -c >>"$RES/$name.dmesg"
	# Seconds spent, summed over the boots a rebooting scenario spans.
	awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
		-v f="$(cat "$RES/$name.seconds" 2>/dev/null || echo 0)" \
		'BEGIN { printf "%.0f\n", f + b - a }' >"$RES/$name.seconds.tmp"
	mv "$RES/$name.seconds.tmp" "$RES/$name.seconds"
	if [ "$rc" = 100 ]; then
		mark "$name: reboot requested"
		: >"$OUT/rebooting"
		sync
		reboot_now
		exit 0
	fi
	# coreutils' timeout exits 124, busybox's with the signal's status.
	case $rc in
	124|137|143) [ "$(cat "$RES/$name.seconds")" -lt "$limit" ] ||
		echo "# timed out after its limit of $limit s" >>"$RES/$name.tap" ;;
	esac
	echo "$rc" >"$RES/$name.rc"
	mark "$name: finished (exit $rc)"
}

# A Debian guest's runner starts after multi-user.target, not after udev
# has handled the coldplug: under TCG, e1000 probed its two devices for
# 25 s after that, and a driver that has not finished registering cannot
# unbind its devices yet.  An administrator comes to a settled system.
[ -d /run/systemd/system ] && udevadm settle --timeout=180
[ -e "$OUT/install" ] &&
	run_step install "$(cat "$OUT/install-limit")" /bin/sh \
		"$SRC/tests/vm/guest/install-$(cat "$OUT/install").sh"
while read -r scenario limit; do
	[ -n "$scenario" ] || continue
	run_step "$scenario" "$limit" /bin/sh "$SRC/tests/vm/scenarios/$scenario.sh"
done <"$OUT/plan"

mark "all scenarios done"
: >"$OUT/done"
sync
power_off
