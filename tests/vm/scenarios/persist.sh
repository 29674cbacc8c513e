#!/bin/sh
# mdevctl define --auto, reboot, and the mdevs are active after boot, bound
# to vfio-mdev-pci, with DMA working: for an edu and for an igb VF whose
# VFs a user's udev rule creates at boot (docs/sriov-at-boot.md).  Then
# the config file's way in: a device named there is taken on its next
# "add" uevent (the udev rule asks the tool only where a definition or
# the config file exists).  And what an ids= line must not take: the
# root disk's controller at boot, and an NVMe controller whose disk holds
# a mounted btrfs (the harness's data disk) on its add uevent.
. "$(dirname "$0")/../guest/lib.sh"

edu=$(pci_find 1234:11e8 | sed -n 1p)
edu2=$(pci_find 1234:11e8 | sed -n 2p)
pf=$(pci_find 8086:10c9 | sed -n 1p)
conf=/etc/vfio-mdev-pci/vfio-mdev-pci.conf
nvme=$(pci_find 1b36:0010 | sed -n 1p)
# pci_id BDF: VENDOR:DEVICE as the config's ids= takes it.
pci_id() {
	echo "$(cut -c3- "/sys/bus/pci/devices/$1/vendor"):$(cut -c3- "/sys/bus/pci/devices/$1/device")"
}

case $(phase) in
start)
	diag "mdevctl: $(dpkg -L mdevctl | grep -E 'bin/' | tr '\n' ' ')"
	diag "its udev rule: $(grep -h RUN /usr/lib/udev/rules.d/*mdevctl* 2>/dev/null | tr '\n' ' ')"
	new_uuid >"$T_STATE/u-edu"
	new_uuid >"$T_STATE/u-vf"
	u_edu=$(cat "$T_STATE/u-edu")
	u_vf=$(cat "$T_STATE/u-vf")
	check "define --auto on edu $edu" "$VMP" define "$edu" --uuid "$u_edu" --auto
	check "mdevctl has the definition" sh -c "mdevctl list -d | grep -q $u_edu"
	# The user's rule: two VFs on the igb at every boot.
	cat >/etc/udev/rules.d/70-igb-vfs.rules <<'EOT'
ACTION=="bind", SUBSYSTEM=="pci", DRIVER=="igb", ATTR{sriov_numvfs}="2"
EOT
	check "enable VFs to learn their address" sh -c "echo 2 >/sys/bus/pci/devices/$pf/sriov_numvfs"
	vf=$(basename "$(readlink "/sys/bus/pci/devices/$pf/virtfn0")")
	echo "$vf" >"$T_STATE/vf"
	check "define --auto on VF $vf" "$VMP" define "$vf" --uuid "$u_vf" --auto
	check "no mdev active before the reboot" sh -c "! test -e /sys/bus/mdev/devices/$u_edu"
	# The root filesystem's disk controller, named by its ids at boot.
	root=$(basename "$(readlink -f "/sys/class/block/$(basename "$(findmnt -no SOURCE /)")/device/..")")
	echo "$root" >"$T_STATE/root"
	mkdir -p "${conf%/*}"
	printf '[devices]\nids=%s\n' "$(pci_id "$root")" >"$conf"
	diag "root disk controller $root, config: $(tr '\n' ' ' <"$conf")"
	reboot_then after-boot
	;;
after-boot)
	u_edu=$(cat "$T_STATE/u-edu")
	u_vf=$(cat "$T_STATE/u-vf")
	vf=$(cat "$T_STATE/vf")
	check "edu mdev active after boot" wait_for 120 mdev_exists "$u_edu"
	check "VF mdev active after boot" wait_for 120 mdev_exists "$u_vf"
	check "edu on vfio-mdev-pci" driver_is "$edu" vfio-mdev-pci
	check "VF on vfio-mdev-pci" driver_is "$vf" vfio-mdev-pci
	check "mdevctl lists both active" sh -c "mdevctl list | grep -q $u_edu && mdevctl list | grep -q $u_vf"
	check_tap "edu mdev after boot" "$VFIO_CLIENT" test "$u_edu" --tests open,edu-ident,dma,msi
	check_tap "VF mdev after boot" "$VFIO_CLIENT" open "$u_vf"
	# From the device's appearance (kernel), and from udev's coldplug
	# (systemd-udev-trigger), to its mdev being active (the start unit
	# finished).
	t_trig=$(mono_of "Starting systemd-udev-trigger.service|Starting.*Coldplug All udev Devices")
	for d in "$edu" "$vf"; do
		t0=$(mono_of "pci $d: \[")
		t1=$(mono_of "Starting vfio-mdev-pci-bind@$d.service|Starting.*Bind PCI device $d")
		t2=$(mono_of "Finished vfio-mdev-pci-start@$d.service|Finished.*persistent mdevs of vfio-mdev-pci parent $d")
		echo "${t0:-0} ${t_trig:-0} ${t1:-0} ${t2:-0}" | awk -v d="$d" '{
			printf "# %s: appeared %.1f s, coldplug %.1f s, rebind started %.1f s, mdev active %.1f s after boot: %.1f s after it appeared, %.1f s after coldplug began\n",
				d, $1, $2, $3, $4, $4 - $1, $4 - ($1 > $2 ? $1 : $2) }'
	done
	diag "$(systemd-analyze 2>/dev/null | head -1)"
	journalctl -b -o short-monotonic --no-pager 2>/dev/null |
		grep -E 'vfio-mdev-pci|mdevctl' | tail -n 30 | sed 's/^/#   /'
	check "journal has the start units" test -n "$(mono_of "vfio-mdev-pci-start@$edu.service")"
	root=$(cat "$T_STATE/root")
	check "root disk controller $root kept its driver at boot" driver_is "$root" virtio-pci
	check "  its bind unit failed" systemctl is-failed "vfio-mdev-pci-bind@$root.service"
	check "  naming the root mount" sh -c \
		"journalctl -b -u vfio-mdev-pci-bind@$root.service | grep -E 'PCI device $root is in use by the host: .*mounted on / '"
	# No definition of edu2 and the config names other ids: not taken.
	check "edu2 $edu2 not taken at boot" test "$(pci_driver "$edu2")" != vfio-mdev-pci
	mkdir -p "${conf%/*}"
	printf '[devices]\naddresses=%s\n' "$edu2" >"$conf"
	check "an add uevent for edu2" udevadm trigger --action=add --settle "/sys/bus/pci/devices/$edu2"
	check "  takes it: the config file names it" wait_for 60 driver_is "$edu2" vfio-mdev-pci
	rm -f "$conf"
	check "give edu2 back" "$VMP" unbind "$edu2" --restore
	# btrfs: mountinfo names an anonymous 0:N device, not the disk; and
	# with NVMe multipath (Debian's kernels) the disk is the namespace's
	# head, a virtual device, not the path device under the controller.
	dev=$(blkid -L vmtest-data)
	mkdir -p /mnt/data
	check "mount the btrfs on $dev (NVMe $nvme)" mount -t btrfs "$dev" /mnt/data
	check "  mountinfo shows an anonymous device" \
		sh -c "grep ' /mnt/data ' /proc/self/mountinfo | grep -q '^[0-9]* [0-9]* 0:'"
	check_fails "bind refuses the NVMe controller" \
		"PCI device $nvme is in use by the host: .*mounted on /mnt/data \\(btrfs\\)" \
		"$VMP" bind "$nvme"
	printf '[devices]\nids=%s\n' "$(pci_id "$nvme")" >"$conf"
	check_fails "udev-add, as its unit runs it, refuses the NVMe controller" \
		"PCI device $nvme is in use by the host: .*mounted on /mnt/data \\(btrfs\\)" \
		timeout 60 "$VMP" udev-add "$nvme"
	check "an add uevent for the NVMe, its ids in the config" \
		timeout 60 udevadm trigger --action=add "/sys/bus/pci/devices/$nvme"
	check "  its bind unit fails" \
		wait_for 60 systemctl is-failed "vfio-mdev-pci-bind@$nvme.service"
	check "  the NVMe kept its driver" driver_is "$nvme" nvme
	check "  the btrfs is still mounted" mountpoint -q /mnt/data
	rm -f "$conf"
	check "unmount" umount /mnt/data
	check "unmounted, bind takes it" "$VMP" bind "$nvme"
	check "and gives it back to nvme" "$VMP" unbind "$nvme" --restore
	# Back to a clean guest for the scenarios that follow.
	rm -f /etc/udev/rules.d/70-igb-vfs.rules
	check "undefine and stop" sh -c "mdevctl stop -u $u_edu && mdevctl stop -u $u_vf && mdevctl undefine -u $u_edu && mdevctl undefine -u $u_vf"
	check "give the edu back" "$VMP" unbind "$edu" --restore
	"$VMP" unbind "$vf" --restore >/dev/null 2>&1
	echo 0 >"/sys/bus/pci/devices/$pf/sriov_numvfs"
	done_testing
	;;
esac
