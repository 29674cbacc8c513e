#!/bin/sh
# Lifecycle and faults of the mdev and its parent; each case ends with the
# device working again, and the harness fails the run on any kernel
# warning.
. "$(dirname "$0")/../guest/lib.sh"

edus=$(pci_find 1234:11e8)
edu=$(echo "$edus" | sed -n 1p)
other=$(echo "$edus" | sed -n 2p)
quick=open,edu-ident,dma,msi
held=$T_STATE/held

# hold_start UUID: a client holds the device until asked to give it back.
hold_start() {
	rm -f "$held.ready" "$held.out"
	"$VFIO_CLIENT" hold "$1" --seconds 120 --msi --ready-file "$held.ready" \
		>"$held.out" 2>&1 &
	hold_pid=$!
	wait_for 30 test -e "$held.ready"
}
# hold_end: the client must have been asked, have let go and exited 0.
hold_end() {
	wait "$hold_pid" && grep -q 'request received' "$held.out" || {
		cat "$held.out"
		return 1
	}
}
works() { "$VFIO_CLIENT" test "$1" --tests "$quick" >/dev/null 2>&1; }

check "wrap $edu" wrap "$edu"
u1=$(new_uuid)
check "create" mdev_create "$edu" "$u1"
check "device works" works "$u1"
# The mdev core's errors: EUSERS (no instance left), EEXIST, EINVAL.
check_fails "second create on the same parent fails" "Too many users" mdev_create "$edu" "$(new_uuid)"
check "available_instances stays 0" test "$(mdev_attr "$edu" available_instances)" = 0
check "wrap a second parent $other" wrap "$other"
check_fails "duplicate UUID fails" "File exists" mdev_create "$other" "$u1"
check_fails "malformed UUID fails" "Invalid argument" mdev_create "$other" "not-a-uuid"
check_fails "UUID with trailing junk fails" "Invalid argument" mdev_create "$other" "$u1-x"
check "second parent still free" test "$(mdev_attr "$other" available_instances)" = 1
check "first mdev still works" works "$u1"

check "remove while idle" mdev_remove "$u1"
check "create again after removal" mdev_create "$edu" "$u1"

# Removal while a client holds the device: the kernel asks for it back
# through the request eventfd, the client lets go, removal completes.
check "client holds the mdev" hold_start "$u1"
check "remove while held completes" timeout 60 sh -c "echo 1 >/sys/bus/mdev/devices/$u1/remove"
check "the holder got the request and let go" hold_end
check "mdev gone" sh -c "! test -e /sys/bus/mdev/devices/$u1"
check "create after held removal" mdev_create "$edu" "$u1"
check "device works again" works "$u1"

# Unbinding the parent removes its mdev.
check "unbind the parent with an mdev present" \
	sh -c "echo $edu >/sys/bus/pci/drivers/vfio-mdev-pci/unbind"
check "its mdev went with it" sh -c "! test -e /sys/bus/mdev/devices/$u1"
check "rebind the parent" pci_bind "$edu" vfio-mdev-pci
check "create after rebind" mdev_create "$edu" "$u1"
check "client holds the mdev" hold_start "$u1"
check "unbind the parent while held completes" \
	timeout 60 sh -c "echo $edu >/sys/bus/pci/drivers/vfio-mdev-pci/unbind"
check "the holder got the request and let go" hold_end
check "rebind and create" wrap_create "$edu" "$u1"
check "device works after unbind/rebind" works "$u1"

# The module cannot go while a device is open, and goes cleanly when not.
check "client holds the mdev" hold_start "$u1"
check_fails "rmmod refused while in use" "in use|busy" modprobe -r vfio_mdev_pci
check "module still loaded" test -d /sys/module/vfio_mdev_pci
kill -TERM "$hold_pid"
wait "$hold_pid"
check "rmmod while idle, with mdevs present" modprobe -r vfio_mdev_pci
check "mdev gone with the module" sh -c "! test -e /sys/bus/mdev/devices/$u1"
check "parents have no driver" sh -c "! test -e /sys/bus/pci/devices/$edu/driver"
check "wrap again after reload" wrap "$edu"
check "create after reload" mdev_create "$edu" "$u1"
check "device works after reload" works "$u1"

# Many short lives: create, open, close, remove.
cycles=${LIFECYCLE_CYCLES:-200}
check "remove before cycles" mdev_remove "$u1"
cycle_fail=
start=$(date +%s)
i=0
while [ $i -lt "$cycles" ]; do
	u=$(new_uuid)
	if ! mdev_create "$edu" "$u" ||
		! "$VFIO_CLIENT" open "$u" >"$T_STATE/out" 2>&1 ||
		! mdev_remove "$u"; then
		cycle_fail="cycle $i ($u)"
		break
	fi
	i=$((i + 1))
done
diag "$i create/open/close/remove cycles in $(($(date +%s) - start)) s"
check "$cycles create/open/close/remove cycles ${cycle_fail:+(failed at $cycle_fail)}" test -z "$cycle_fail"
check "create after cycles" mdev_create "$edu" "$u1"
check "device works after cycles" works "$u1"

# Surprise removal of the parent through the L0 QEMU monitor: PCIe native
# hot-unplug of the root port's device, idle and then while held.
slot=edu0
[ "$(pci_find 1234:11e8 | sed -n 1p)" = "$edu" ] || slot=edu1
unplug() {
	qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$slot\"}}" >/dev/null &&
		wait_for 60 sh -c "! test -e /sys/bus/pci/devices/$edu"
}
replug() {
	qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"edu\",\"id\":\"$slot\",\"bus\":\"rp-$slot\"}}" >/dev/null &&
		wait_for 60 test -e "/sys/bus/pci/devices/$edu"
}
check "hot-unplug the parent with an idle mdev" unplug
check "mdev gone with its parent" sh -c "! test -e /sys/bus/mdev/devices/$u1"
check "hot-plug it back" replug
check "wrap and create on the new device" wrap_create "$edu" "$u1"
check "client holds the mdev" hold_start "$u1"
check "hot-unplug the parent while held" unplug
check "the holder got the request and let go" hold_end
check "hot-plug it back again" replug
check "wrap and create on the new device" wrap_create "$edu" "$u1"
check "device works after hot-plug" works "$u1"

check "clean up" sh -c "echo 1 >/sys/bus/mdev/devices/$u1/remove"
pci_unbind "$edu"
pci_unbind "$other"
check "module unloads" modprobe -r vfio_mdev_pci
done_testing
