#!/bin/sh
# Allocation failures on the register paths (the debug kernel: failslab
# and fail-nth).  The parent's bind, and then an mdev create, are written
# again and again with the Nth slab allocation of that write failing,
# N = 1, 2, ... until a write meets fewer than N allocations: each
# allocation of both paths has failed once.  After each write the device
# is in the state the write's result says (bound or not, created or not,
# with nothing of a failed registration left in sysfs); at the end it
# binds, creates and works.  The harness's kernel-log gate and kmemleak
# judge what each error path left behind.
. "$(dirname "$0")/../guest/lib.sh"

edu=$(pci_find 1234:11e8 | sed -n 1p)
failslab=/sys/kernel/debug/failslab
drv=/sys/bus/pci/drivers/vfio-mdev-pci
# A bound far above both paths' counts: a sweep that reaches it is
# looping, not counting.
max=2000
quick=open,dma,msi

check "failslab in debugfs" test -d "$failslab"
# Sleeping allocations fail too (the default spares them), without a
# stack dump each: the gate reads the kernel log.
check "failslab fails sleeping allocations, quietly" sh -c \
	"echo N >$failslab/ignore-gfp-wait && echo 0 >$failslab/verbose"
check "module loads" modprobe vfio_mdev_pci
check "edu $edu offered to vfio-mdev-pci only" \
	sh -c "echo vfio-mdev-pci >/sys/bus/pci/devices/$edu/driver_override"

# sweep NAME FILE: write to FILE with its Nth allocation failing, for
# N = 1, 2, ... until a write meets fewer than N allocations, and check
# the device after each; a failed write must fail with ENOMEM, the
# error the failed allocation returns.  NAME_value prints the value of the next write
# (after waiting for what it needs); NAME_done succeeds if the write's
# effect is there; NAME_clean succeeds if a failed write left nothing;
# NAME_undo undoes a write that took effect.  One result for the sweep,
# one for its last write (no failure: it must succeed).
sweep() {
	_n=0 _failed=0 _absorbed=0 _bad='' _out=''
	while [ -z "$_bad" ] && [ "$_n" -lt "$max" ]; do
		_n=$((_n + 1))
		if ! _v=$("$1_value"); then
			_bad="point $_n: $_v"
			break
		fi
		_rc=0
		_out=$("$VFIO_CLIENT" fail-nth "$_n" "$2" "$_v" 2>&1) || _rc=$?
		case $_rc in
		0 | 4) ;;
		*) _bad="point $_n: $_out"; break ;;
		esac
		_want=no _got=no
		case $_out in
		*"write succeeded") _want=yes ;;
		*"write failed: Cannot allocate memory") ;;
		*) _bad="point $_n: $_out, not ENOMEM"; break ;;
		esac
		"$1_done" "$_v" && _got=yes
		if [ "$_got" != "$_want" ]; then
			_bad="point $_n: $_out, but the result is there: $_got"
		elif [ "$_got" = no ] && ! "$1_clean" "$_v"; then
			_bad="point $_n: $_out, but it left something behind"
		elif [ "$_got" = yes ] && ! "$1_undo" "$_v"; then
			_bad="point $_n: undoing it failed"
		fi
		diag "$1 $_out; took effect: $_got"
		[ "$_rc" = 0 ] || break
		if [ "$_want" = yes ]; then
			_absorbed=$((_absorbed + 1))
		else
			_failed=$((_failed + 1))
		fi
	done
	[ "$_n" -lt "$max" ] || _bad="no end after $max points"
	diag "$1: $((_n - 1)) points; $_failed writes failed, $_absorbed succeeded despite the failed allocation"
	if [ -n "$_bad" ]; then
		not_ok "$1: every allocation failed once, the device consistent after each ($_bad)"
	else
		ok "$1: every allocation failed once, the device consistent after each"
	fi
	check "$1: the write with no failure succeeded" \
		sh -c "echo '$_out' | grep -q '^not-injected.*write succeeded'"
}

# The parent's registration: vfio_pci_core, the mdev parent and type.
bind_value() { echo "$edu"; }
bind_done() { driver_is "$edu" vfio-mdev-pci; }
bind_clean() { ! test -e "/sys/bus/pci/devices/$edu/mdev_supported_types"; }
bind_undo() { echo "$edu" >"$drv/unbind"; }
sweep bind "$drv/bind"

# The mdev's: the mdev core's device, our vfio device and its
# registration.  Not the VFIO group's creation: in 6.12 a failure of
# vfio_create_group()'s dev_set_name() or cdev_device_add() warns in
# vfio_group_release() and leaks an iommu_group reference
# (drivers/vfio/group.c; vfio-pci reaches it the same way).  So the
# creates run on the first NIC of the e1000 pair (one IOMMU group) while
# the second holds an mdev, and their VFIO group exists throughout.
nics=$(pci_find 8086:100e)
nic=$(echo "$nics" | sed -n 1p)
peer=$(echo "$nics" | sed -n 2p)
peer_uuid=$(new_uuid)
create_value() {
	wait_for 15 grep -qx 1 "$(mdev_type_dir "$nic")/available_instances" ||
		{ echo "the instance did not come back"; return 1; }
	new_uuid
}
create_done() { mdev_exists "$1"; }
create_clean() { ! test -e "/sys/bus/pci/devices/$nic/$1"; }
create_undo() { mdev_remove "$1"; }
check "e1000 $nic on vfio-mdev-pci" wrap "$nic"
check "e1000 $peer on vfio-mdev-pci" wrap "$peer"
check "an mdev on $peer keeps their VFIO group" mdev_create "$peer" "$peer_uuid"
sweep create "$(mdev_type_dir "$nic")/create"
check "remove the mdev on $peer" mdev_remove "$peer_uuid"
pci_unbind "$nic"
pci_unbind "$peer"
check "$nic back on e1000" driver_is "$nic" e1000
check "$peer back on e1000" driver_is "$peer" e1000

check "failslab back to sparing sleeping allocations" sh -c "echo Y >$failslab/ignore-gfp-wait"
check "bind the edu again" pci_bind "$edu" vfio-mdev-pci
u=$(new_uuid)
check "create after the sweeps" mdev_create "$edu" "$u"
check_tap "device works after the sweeps" "$VFIO_CLIENT" test "$u" --tests "$quick"
check "remove" mdev_remove "$u"
check "parent released" pci_unbind "$edu"
check "module unloads" modprobe -r vfio_mdev_pci
kmemleak_check
done_testing
