#!/bin/sh
# A reboot while an mdev create and an mdev remove wait for their parent's
# PCI device lock.  device_shutdown() holds that lock as the mdev's
# parent and waits for the mdev's own lock, which the driver core holds
# for the create or remove: both must give up waiting once the system is
# going down (vmp_parent_lock(), docs/kernel-locking.md), or the reboot
# hangs (a remove) or waits for the create's 10 s timeout.
#
# In a real shutdown they meet by chance; the test module
# vmp_test_lockhold (tests/vm/kmod) takes the PCI devices' locks before
# the create and remove start and asks for the mdevs' once the system is
# going down, as device_shutdown() would.  The outcome is in the
# shutdown's kernel log, which only the serial console keeps: the next
# boot reads it there.
. "$(dirname "$0")/../guest/lib.sh"
. "$VMTEST_SRC/tests/vm/lib/kernel-reports.sh"

console=$VMTEST_OUT/console.log
going_down="VMTEST: $T_NAME: going down with a create and a remove waiting"

# took_lock_ms UUID: how long the test module waited for the mdev's lock.
took_lock_ms() {
	sed -n "s/.*vmp_test_lockhold: took mdev $1's lock \([0-9]*\) ms.*/\1/p" \
		"$T_STATE/shutdown.log"
}
# Either gives up at once; 5 s is far from the create's 10 s timeout.
let_go() {
	_ms=$(took_lock_ms "$1")
	echo "mdev $1's lock: ${_ms:+taken after $_ms ms}${_ms:-never taken}"
	[ -n "$_ms" ] && [ "$_ms" -lt 5000 ]
}

case $(phase) in
start)
	edus=$(pci_find 1234:11e8)
	edu1=$(echo "$edus" | sed -n 1p)
	edu2=$(echo "$edus" | sed -n 2p)
	u1=$(new_uuid)
	u2=$(new_uuid)
	echo "$u1 $u2" >"$T_STATE/uuids"
	check "wrap $edu1 and create an mdev" wrap_create "$edu1" "$u1"
	check "wrap $edu2" wrap "$edu2"
	check "the test module holds both parents' locks" modprobe \
		vmp_test_lockhold pci="$edu1,$edu2" mdev="$u1,$u2"
	# Both wait in vmp_parent_lock(), with their mdev's lock held.
	sh -c "echo 1 >/sys/bus/mdev/devices/$u1/remove" &
	remove_pid=$!
	mdev_create "$edu2" "$u2" &
	create_pid=$!
	sleep 2
	check "the remove waits for the lock" kill -0 "$remove_pid"
	check "the create waits for the lock" kill -0 "$create_pid"
	# The shutdown's messages (the test module's, ours) on the console.
	echo 7 >/proc/sys/kernel/printk
	echo "$going_down" >/dev/kmsg
	reboot_then after
	;;
after)
	read -r u1 u2 <"$T_STATE/uuids"
	# The shutdown's log: from the mark to the kernel's last words.
	sed -n "/$going_down/,/reboot: Restarting system/p" "$console" \
		>"$T_STATE/shutdown.log"
	check "the reboot completed" grep -q "reboot: Restarting system" \
		"$T_STATE/shutdown.log"
	check "the remove let go of the mdev's lock at once" let_go "$u1"
	check "the create let go of the mdev's lock at once" let_go "$u2"
	check "the create did not wait for its timeout" \
		sh -c "! grep 'device lock busy' '$T_STATE/shutdown.log'"
	if grep -E "$KERNEL_REPORT_RE|vmp_test_lockhold: FAIL" \
		"$T_STATE/shutdown.log" >"$T_STATE/reports"; then
		not_ok "the shutdown's kernel log has no warnings or failures"
		sed 's/^/#   /' "$T_STATE/reports" | head -n 40
	else
		ok "the shutdown's kernel log has no warnings or failures"
	fi
	grep "vmp_test_lockhold:" "$T_STATE/shutdown.log" | sed 's/^/# /'
	;;
esac
done_testing
