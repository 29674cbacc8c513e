#!/bin/sh
# The README's demo: what the project does, step by step, on the guest's
# emulated devices.  Each step is also a test, so a broken step is seen.
. "$(dirname "$0")/../guest/lib.sh"
. "$(dirname "$0")/../guest/libvirt.sh"

step() { mark "$*"; echo "#"; echo "# == $*"; }
show() { echo "# \$ $*"; "$@" 2>&1 | sed 's/^/#   /'; }

edu=$(pci_find 1234:11e8 | sed -n 1p)
twin=$(pci_find 1234:11e8 | sed -n 2p)
[ -s "$T_STATE/uuid" ] || new_uuid >"$T_STATE/uuid"
uuid=$(cat "$T_STATE/uuid")

case $(phase) in
start)
	step "1. The guest's PCI devices, their drivers and IOMMU groups"
	show "$VMP" list --all

	step "2. Make the edu device $edu an mdev, from now on (mdevctl define --auto)"
	check "define" "$VMP" define "$edu" --uuid "$uuid" --auto
	show mdevctl list --defined
	step "3. Start it: mdevctl calls our callout, which binds $edu to vfio-mdev-pci"
	check "mdevctl start" mdevctl start -u "$uuid"
	show lspci -ks "$edu"
	t=$(mdev_type_dir "$edu")
	for a in name device_api available_instances description; do
		echo "#   mdev type $a: $(cat "$t/$a")"
	done
	echo "#   /sys/bus/mdev/devices/$uuid: IOMMU group $(basename "$(readlink "/sys/bus/mdev/devices/$uuid/iommu_group")") (the parent's: $(pci_group "$edu"))"

	step "4. A VFIO user opens it by UUID: config space, BAR0, DMA through the IOMMU, MSI"
	check_tap "VFIO client on $uuid" "$VFIO_CLIENT" test "$uuid" --tests open,config,bar0,edu-ident,dma,msi,reset

	step "5. Reboot the guest; udev and systemd bring the mdev back by themselves"
	reboot_then after-boot
	;;
after-boot)
	check "mdev active after boot" wait_for 120 mdev_exists "$uuid"
	show mdevctl list
	t0=$(mono_of "pci $edu: \[")
	t1=$(mono_of "Finished vfio-mdev-pci-start@$edu.service")
	echo "#   PCI device seen at ${t0:-?} s, mdev active at ${t1:-?} s after boot"
	check_tap "DMA and MSI after the reboot" "$VFIO_CLIENT" test "$uuid" --tests open,dma,msi

	step "6. Hand it to a libvirt domain (hot-plug into a paused L2 QEMU)"
	"$VMP" hostdev-xml "$uuid" >"$T_STATE/hostdev.xml"
	show cat "$T_STATE/hostdev.xml"
	check "start a small domain" dom_start demo no
	check "virsh attach-device --live" $VIRSH attach-device demo "$T_STATE/hostdev.xml" --live
	show sh -c "$VIRSH dumpxml demo | grep -A4 \"type='mdev'\""
	# A paused guest cannot acknowledge the unplug: virsh only sends the
	# request here, and destroying the domain releases the device.
	check "virsh detach-device --live (request sent)" $VIRSH detach-device demo "$T_STATE/hostdev.xml" --live
	dom_stop demo

	step "7. Cost: the same edu on plain vfio-pci ($twin) and through the mdev"
	modprobe vfio-pci
	pci_bind "$twin" vfio-pci
	check "bench through the mdev" sh -c "$VFIO_CLIENT bench $uuid --iterations 2000 --samples 5 --rounds 3 >$T_STATE/mdev.json"
	check "bench on vfio-pci" sh -c "$VFIO_CLIENT bench $twin --iterations 2000 --samples 5 --rounds 3 >$T_STATE/pci.json"
	pci_unbind "$twin"
	echo "#   metric                      vfio-pci        mdev    mdev/vfio-pci"
	for m in config_read_ops_per_s bar0_read_ops_per_s msi_round_trip_us dma_round_trip_us open_close_ms; do
		a=$(jq ".metrics.$m.median" "$T_STATE/pci.json")
		b=$(jq ".metrics.$m.median" "$T_STATE/mdev.json")
		echo "$m $a $b" | awk '{ printf "#   %-24s %12.1f %12.1f %8.2f\n", $1, $2, $3, ($2 ? $3 / $2 : 0) }'
	done
	echo "#   (two different edu instances under TCG; the bench suite alternates one device)"

	step "8. Stop and forget it; the device is given back"
	check "mdevctl stop" mdevctl stop -u "$uuid"
	check "mdevctl undefine" mdevctl undefine -u "$uuid"
	check "unbind --restore" "$VMP" unbind "$edu" --restore
	show lspci -ks "$edu"
	done_testing
	;;
esac
