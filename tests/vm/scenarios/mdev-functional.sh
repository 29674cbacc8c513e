#!/bin/sh
# Everything the VFIO client does passes through the mdev, and the same
# binary passes against the twin edu on plain vfio-pci in the same run.
# The parent offers its model's type beside the legacy type1 (which the
# rest of the tests use), one instance for both, and the type_names
# parameter names the model's type at the next bind.
. "$(dirname "$0")/../guest/lib.sh"

edus=$(pci_find 1234:11e8)
edu=$(echo "$edus" | sed -n 1p)
twin=$(echo "$edus" | sed -n 2p)
diag "wrapped edu $edu, twin on vfio-pci $twin"
all=open,info,config,bar0,edu-ident,edu-liveness,edu-factorial,dma,msi,intx,reset,hot-reset-info,request

check "edu $edu bound to vfio-mdev-pci" wrap "$edu"
check "type name names the device" grep -q 1234:11e8 "$(mdev_type_dir "$edu")/name"
check "device_api is vfio-pci" test "$(mdev_attr "$edu" device_api)" = vfio-pci
check "available_instances is 1 while free" test "$(mdev_attr "$edu" available_instances)" = 1
diag "name: $(mdev_attr "$edu" name)"
diag "description: $(mdev_attr "$edu" description)"
check "description names the parent" grep -q "$edu" "$(mdev_type_dir "$edu")/description"
model=/sys/bus/pci/devices/$edu/mdev_supported_types/vfio-mdev-pci-1234-11e8
check "the model's type beside the legacy one" test -d "$model"
check "  named after the model" grep -qx "vfio-mdev-pci 1234-11e8" "$model/name"
check "  available_instances 1" test "$(cat "$model/available_instances")" = 1

uuid=$(new_uuid)
check "create mdev $uuid" mdev_create "$edu" "$uuid"
check "available_instances is 0 while used" test "$(mdev_attr "$edu" available_instances)" = 0
check "  on the model's type too" test "$(cat "$model/available_instances")" = 0
check_fails "  which creates none" "Too many users" mdev_create_in "$model" "$(new_uuid)"
check "mdev is a child of its parent" test -d "/sys/bus/pci/devices/$edu/$uuid"
check "mdev iommu_group is the parent's" \
	test "$(basename "$(readlink "/sys/bus/mdev/devices/$uuid/iommu_group")")" = "$(pci_group "$edu")"
check "vfio class device under the mdev" sh -c "ls -d /sys/bus/mdev/devices/$uuid/vfio-dev/vfio* || ls -d /sys/bus/mdev/devices/$uuid/vfio-dev/*"
check "parent has no vfio class device of its own" sh -c "! ls -d /sys/bus/pci/devices/$edu/vfio-dev/* 2>/dev/null"
check_tap "mdev $uuid" "$VFIO_CLIENT" test "$uuid" --tests "$all"
check_fails "the parent's PCI name does not open the mdev's device" "No such device" \
	"$VFIO_CLIENT" open "$edu"
check "refusal logged once, naming the mdev" \
	test "$(dmesg | grep -c "refused.*$uuid")" = 1

check "modprobe vfio-pci" modprobe vfio-pci
check "twin edu $twin bound to vfio-pci" pci_bind "$twin" vfio-pci
check_tap "vfio-pci $twin" "$VFIO_CLIENT" test "$twin" --tests "$all"
check "twin released" pci_unbind "$twin"

check "remove mdev" mdev_remove "$uuid"
check "mdev gone" sh -c "! test -e /sys/bus/mdev/devices/$uuid"
check "available_instances back to 1" \
	wait_for "$release_wait" sh -c "test \"\$(cat $(mdev_type_dir "$edu")/available_instances)\" = 1"

check "create through the model's type" mdev_create_in "$model" "$uuid"
check "  its mdev_type is the model's" \
	test "$(readlink -f "/sys/bus/mdev/devices/$uuid/mdev_type")" = "$(readlink -f "$model")"
check "  legacy type's available_instances 0" test "$(mdev_attr "$edu" available_instances)" = 0
check_tap "mdev $uuid of the model's type" "$VFIO_CLIENT" test "$uuid" --tests open,config,bar0,dma,msi
check "  remove" mdev_remove "$uuid"

param=/sys/module/vfio_mdev_pci/parameters/type_names
for bad in 1234:11e8=type1 1234:11e8=a.b 1234:11E8=x 1234=x 1234:11e8= \
	1234:11e8=abcdefghijklmnopqrstuvwxyz0123456 "1234:11e8=x
1234:11e8=y"; do
	# busybox's echo names the errno (lib.sh, mdev_create).
	check_fails "type_names refuses '$bad'" "Invalid argument" \
		busybox sh -c 'echo "$1" >"$2"' type_names "$bad" "$param"
done
check "type_names by id and by address" \
	sh -c "echo 1234:11e8=edu,1234:11e8:1af4:1100=qemu-edu,$edu=first-edu >$param"
check "  reads back" grep -qx "1234:11e8=edu,1234:11e8:1af4:1100=qemu-edu,$edu=first-edu" "$param"
check "  a bound parent keeps its type" test -d "$model"
rebind() { pci_unbind "$1" && wrap "$1"; }
check "  unbind and bind $edu" rebind "$edu"
check "  the address wins: vfio-mdev-pci-first-edu" \
	test -d "/sys/bus/pci/devices/$edu/mdev_supported_types/vfio-mdev-pci-first-edu"
check "  named so" grep -qx "vfio-mdev-pci first-edu" \
	"/sys/bus/pci/devices/$edu/mdev_supported_types/vfio-mdev-pci-first-edu/name"
check "  and the legacy type" test -d "$(mdev_type_dir "$edu")"
check "clear type_names" sh -c "echo >$param"
check "  reads back empty" test -z "$(cat "$param")"
check "parent released" pci_unbind "$edu"
check "module unloads" modprobe -r vfio_mdev_pci
done_testing
