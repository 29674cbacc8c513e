#!/bin/sh
# SR-IOV: VFs of the igb (its PF keeps the host driver) wrapped as mdevs
# and opened together; a PF with VFs enabled is refused, as vfio-pci
# refuses it.
. "$(dirname "$0")/../guest/lib.sh"

pf=$(pci_find 8086:10c9 | sed -n 1p)
diag "igb PF $pf on $(pci_driver "$pf")"
check "PF on the igb driver" test "$(pci_driver "$pf")" = igb
check "enable 2 VFs" sh -c "echo 2 >/sys/bus/pci/devices/$pf/sriov_numvfs"
check "VFs appear" wait_for 30 test -e "/sys/bus/pci/devices/$pf/virtfn1"
# igbvf is loaded and probes the VFs (slowly: it waits for the PF).
settle
vf0=$(basename "$(readlink "/sys/bus/pci/devices/$pf/virtfn0")")
vf1=$(basename "$(readlink "/sys/bus/pci/devices/$pf/virtfn1")")
diag "VFs $vf0 (group $(pci_group "$vf0")) $vf1 (group $(pci_group "$vf1"))"
check "each VF has its own group" test "$(pci_group "$vf0")" != "$(pci_group "$vf1")"

u0=$(new_uuid)
u1=$(new_uuid)
check "wrap $vf0" wrap "$vf0"
check "wrap $vf1" wrap "$vf1"
check "create mdev on $vf0" mdev_create "$vf0" "$u0"
check "create mdev on $vf1" mdev_create "$vf1" "$u1"
check_tap "both VF mdevs in one container" "$VFIO_CLIENT" open "$u0" "$u1"
check_tap "VF mdev $u0" "$VFIO_CLIENT" test "$u0" --tests open,info,config,bar0,reset

# igb disables SR-IOV when its PF is unbound: the VFs, wrapped and with
# mdevs, disappear under us.  (So a PF with VFs enabled never reaches our
# probe here; the probe refuses one as vfio-pci does.)
check "unbind the PF while VF mdevs exist" \
	sh -c "echo $pf >/sys/bus/pci/drivers/igb/unbind"
check "the VFs and their mdevs are gone" sh -c \
	"! test -e /sys/bus/pci/devices/$vf0 && ! test -e /sys/bus/mdev/devices/$u0 && ! test -e /sys/bus/mdev/devices/$u1"
pci_unbind "$pf"
check "PF back on igb" wait_for 10 driver_is "$pf" igb
check "VFs again, wrapped again" sh -c "echo 1 >/sys/bus/pci/devices/$pf/sriov_numvfs"
check "VF appears" wait_for 30 test -e "/sys/bus/pci/devices/$vf0"
check "wrap it" wrap "$vf0"
check "create" mdev_create "$vf0" "$u0"
check_tap "VF mdev after re-enable" "$VFIO_CLIENT" test "$u0" --tests open,info,config,bar0
check "remove it" mdev_remove "$u0"
pci_unbind "$vf0"
check "disable VFs" sh -c "echo 0 >/sys/bus/pci/devices/$pf/sriov_numvfs"
check "module unloads" modprobe -r vfio_mdev_pci
done_testing
