#!/bin/sh
# The README's demo: what the project does, step by step, on the guest's
# emulated devices.  Each step is also a test, so a broken step is seen.
. "$(dirname "$0")/../guest/lib.sh"

step() { mark "$*"; echo "#"; echo "# == $*"; }
show() { echo "# \$ $*"; "$@" 2>&1 | sed 's/^/#   /'; }

edu=$(pci_find 1234:11e8 | sed -n 1p)

step "1. The guest's PCI devices and their IOMMU groups"
for d in /sys/bus/pci/devices/*; do
	b=$(basename "$d")
	case "$(cat "$d/class")" in 0x0604*|0x0600*|0x0601*) continue ;; esac
	echo "#   $b $(lspci -s "$b" -nn | cut -d' ' -f2-) [group $(pci_group "$b")]"
done

step "2. Hand the edu device $edu to vfio-mdev-pci (driver_override + probe)"
check "load vfio_mdev_pci and bind $edu" wrap "$edu"
show lspci -ks "$edu"

step "3. It is now an mdev parent with one type"
t=$(mdev_type_dir "$edu")
for a in name device_api available_instances description; do
	echo "#   $a: $(cat "$t/$a")"
done

uuid=$(new_uuid)
step "4. Create the mediated device $uuid"
check "create mdev $uuid" mdev_create "$edu" "$uuid"
echo "#   /sys/bus/mdev/devices/$uuid -> $(readlink -f "/sys/bus/mdev/devices/$uuid")"
echo "#   its IOMMU group: $(basename "$(readlink "/sys/bus/mdev/devices/$uuid/iommu_group")") (the parent's: $(pci_group "$edu"))"
echo "#   available_instances now: $(mdev_attr "$edu" available_instances)"

step "5. A VFIO user opens it by UUID: config space, BAR0, DMA through the IOMMU, MSI"
check_tap "VFIO client on $uuid" "$VFIO_CLIENT" test "$uuid" --tests open,config,bar0,edu-ident,dma,msi,reset

step "6. Remove the mdev and give the device back"
check "remove mdev" mdev_remove "$uuid"
check "unbind $edu" pci_unbind "$edu"
show lspci -ks "$edu"
done_testing
