# shellcheck shell=sh
# L2 guests for scenarios: QEMU inside the test guest, started paused (-S).
# Realizing a vfio-pci device opens its group, maps the guest's RAM through
# the IOMMU and sets the device up, so a paused QEMU is a real VFIO user.
# Sourced after lib.sh.

# l2_start NAME QEMU-ARGS...: start a paused L2 QEMU in the background;
# fails, with QEMU's error in $T_STATE/NAME.out, if QEMU does not come up.
# -daemonize returns only after every device is realized.
l2_start() {
	_n=$1
	shift
	rm -f "$T_STATE/$_n.pid"
	qemu-system-x86_64 -S -M q35 -accel tcg -m 128 -nodefaults \
		-display none -vga none -net none -serial none -monitor none \
		-daemonize -pidfile "$T_STATE/$_n.pid" "$@" \
		>"$T_STATE/$_n.out" 2>&1 </dev/null
}
# l2_stop NAME: stop it and wait until it has released its devices.
l2_stop() {
	[ -s "$T_STATE/$1.pid" ] || return 0
	_p=$(cat "$T_STATE/$1.pid")
	kill "$_p" 2>/dev/null
	wait_for 30 sh -c "! kill -0 $_p 2>/dev/null"
	rm -f "$T_STATE/$1.pid"
}
# l2_error NAME: QEMU's first error line.
l2_error() { grep -m1 -v '^$' "$T_STATE/$1.out" 2>/dev/null | cut -c1-160; }

# QEMU arguments for devices and an emulated IOMMU in L2.
l2_pci() { echo "-device vfio-pci,host=$1"; }
l2_mdev() { echo "-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$1"; }
# shellcheck disable=SC2034 # used by the scenarios
L2_VIOMMU="-device intel-iommu,caching-mode=on"
