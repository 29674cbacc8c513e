#!/bin/sh
# mmdebstrap --customize-hook for the guest images: $1 is the new root.
set -eu
root=$1
cat >"$root/etc/fstab" <<'EOT'
/dev/vda / ext4 rw,errors=remount-ro 0 1
EOT
echo vmtest >"$root/etc/hostname"
chroot "$root" passwd -d root >/dev/null
# Timers that would only add noise to timings inside a test guest.
chroot "$root" systemctl mask -q apt-daily.timer apt-daily-upgrade.timer \
	man-db.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer \
	2>/dev/null || true
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' \
	>"$root/etc/systemd/journald.conf.d/vmtest.conf"
# The test runner: mounts the host's 9p shares and hands over to the
# runner in the project tree, so the image never needs rebuilding when
# the tests change.  Only active with vmtest=1 on the kernel cmdline.
cat >"$root/usr/local/sbin/vmtest-boot" <<'EOT'
#!/bin/sh
# The virtio-9p devices may not be probed yet when this runs ("9pnet_virtio:
# no channels available"): retry, and power off loudly if they never come,
# so that the host sees an error instead of a guest waiting forever.
mount9p() {
	mountpoint -q "/mnt/$1" && return 0
	i=0
	while [ $i -lt 60 ]; do
		mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144$2" "$1" "/mnt/$1" && return 0
		udevadm settle -t 5 || sleep 1
		i=$((i + 1))
	done
	echo "VMTEST: FATAL: cannot mount the 9p share '$1'" >/dev/kmsg
	systemctl poweroff -ff
	exit 1
}
mkdir -p /mnt/src /mnt/out
mount9p src ,ro
mount9p out ""
exec /bin/sh /mnt/src/tests/vm/guest/run.sh
EOT
chmod 755 "$root/usr/local/sbin/vmtest-boot"
cat >"$root/etc/systemd/system/vmtest.service" <<'EOT'
[Unit]
Description=vfio-mdev-pci VM test runner
After=multi-user.target
ConditionKernelCommandLine=vmtest=1

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vmtest-boot
TimeoutStartSec=infinity
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOT
chroot "$root" systemctl enable -q vmtest.service
# Modules for hardware a test guest cannot have (its devices: edu, e1000,
# igb, virtio, NVMe): 1600 of the kernel's 4200.  Every depmod reads each
# module, and DKMS runs depmod at each package install, upgrade and
# removal: under TCG that was 35-45 s each.
for mods in "$root"/lib/modules/*; do
	for d in drivers/media sound drivers/iio drivers/net/wireless \
		net/wireless net/mac80211 drivers/bluetooth net/bluetooth \
		drivers/hwmon drivers/infiniband drivers/staging drivers/isdn \
		drivers/net/can net/can; do
		rm -rf "$mods/kernel/$d"
	done
	chroot "$root" depmod "${mods##*/}"
done
