#!/bin/sh
# The packages' life on a running host, each state checked: drivers,
# /sys/bus/mdev, files on disk, the "guest's" device (a VFIO user holding
# the mdev).  The guest booted with the packages installed into its image
# (tests/vm/lib/debs.sh); this scenario removes and purges them, installs
# them where DKMS cannot build (no headers), installs them for real with
# a config file and an auto-start definition waiting (both taken at
# once), upgrades to a rebuilt, higher version under a held mdev and a
# config file broken before the upgrade, refuses the removal while the
# mdev is held, and removes and purges them.  It leaves no package
# behind, so it is the last of its guest's plan (run.sh).
. "$(dirname "$0")/../guest/lib.sh"

conf=/etc/vfio-mdev-pci/vfio-mdev-pci.conf
krel=$(uname -r)
edu0=$(pci_find 1234:11e8 | sed -n 1p)
# The config's device: a NIC with a host driver to be given back to.
nic=$(pci_find 8086:100e | sed -n 2p)
igb=$(pci_find 8086:10c9 | sed -n 1p)
# apt installs local files given as paths, copied off the 9p share for
# its sandbox user.
mkdir -p /tmp/debs /tmp/debs-next
for d in debs debs-next; do
	cp "$VMTEST_OUT"/prebuilt/$d/vfio-mdev-pci_*.deb \
		"$VMTEST_OUT"/prebuilt/$d/vfio-mdev-pci-dkms_*.deb /tmp/$d/
done
chmod 644 /tmp/debs/*.deb /tmp/debs-next/*.deb
old=$(dpkg-deb -f /tmp/debs/vfio-mdev-pci_*.deb Version)
new=$(dpkg-deb -f /tmp/debs-next/vfio-mdev-pci_*.deb Version)
diag "installed $old, upgrade to $new; edu $edu0, e1000 $nic, igb $igb"

# apt_run DESC PATTERN apt-get ARGS...: apt-get succeeds and says PATTERN
# (maintainer scripts' messages included), shown as comments.
apt_run() {
	_d=$1 _p=$2 _t=$(date +%s)
	shift 2
	if "$@" >"$T_STATE/apt.out" 2>&1 && grep -Eq "$_p" "$T_STATE/apt.out"; then
		ok "$_d"
	else
		not_ok "$_d (no success with a line matching '$_p')"
	fi
	diag "$* took $(($(date +%s) - _t)) s"
	grep -E "vfio-mdev-pci|DKMS|dkms|kernel headers|Setting up" "$T_STATE/apt.out" |
		grep -v "^Preparing\|^Unpacking\|^Selecting" | sed 's/^/# /' | tail -12
}
installed() {
	dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
		grep -qx "install ok installed $2"
}
not() { ! "$@"; }
gone() { for f; do ! ls $f >/dev/null 2>&1 || { echo "$f exists"; return 1; }; done; }
# files: what the packages put on disk that removal must take away.
files="/usr/bin/vfio-mdev-pci /usr/lib/udev/rules.d/90-vfio-mdev-pci.rules
/etc/libvirt/hooks/qemu.d/vfio-mdev-pci /usr/libexec/vfio-mdev-pci
/usr/lib/mdevctl/scripts.d/callouts/vfio-mdev-pci /usr/src/vfio-mdev-pci-*
/lib/modules/$krel/updates/dkms/vfio_mdev_pci.ko*"

# 1. What apt installed into the image goes again, the definition stays.
# It is of the legacy type, as releases before named types made them:
# it must start all along, the new module's included.
uuid=$(new_uuid)
check "define --auto on $edu0, of the legacy type" \
	mdevctl define -p "$edu0" -t vfio-mdev-pci-type1 -u "$uuid" --auto
apt_run "remove and purge what the image has" "Purging configuration files for vfio-mdev-pci " \
	apt-get purge -y vfio-mdev-pci vfio-mdev-pci-dkms
check "  purge named the kept definition" grep -q "$uuid on $edu0" "$T_STATE/apt.out"
check "  definition kept" sh -c "mdevctl list -d | grep -q $uuid"
check "  files gone" gone $files

# 2. No kernel headers: DKMS cannot build, nothing is taken.
mkdir -p "${conf%/*}"
printf '[devices]\naddresses=%s\n' "$igb" >"$conf"
mv "/lib/modules/$krel/build" "/lib/modules/$krel/build.hidden"
apt_run "install without headers: a clear message" \
	"vfio-mdev-pci: no module for kernel .*, so no device taken" \
	apt-get install -y /tmp/debs/vfio-mdev-pci_*.deb /tmp/debs/vfio-mdev-pci-dkms_*.deb
mv "/lib/modules/$krel/build.hidden" "/lib/modules/$krel/build"
settle
check "  igb kept its driver" driver_is "$igb" igb
check "  edu not taken" not driver_is "$edu0" vfio-mdev-pci
check "  no mdev" not mdev_exists "$uuid"
apt_run "  purge it again" "Purging configuration files for vfio-mdev-pci " \
	apt-get purge -y vfio-mdev-pci vfio-mdev-pci-dkms

# 3. Install: DKMS builds; the config's device and the auto definition's
# parent are taken at once, and the definition started.
mkdir -p "${conf%/*}"
printf '[devices]\naddresses=%s\n' "$nic" >"$conf"
apt_run "install (DKMS builds the module)" "Installing /lib/modules/.*/updates/dkms/vfio_mdev_pci.ko" \
	apt-get install -y /tmp/debs/vfio-mdev-pci_*.deb /tmp/debs/vfio-mdev-pci-dkms_*.deb
check "  $old installed" installed vfio-mdev-pci "$old"
check "  the config's $nic taken" wait_for 60 driver_is "$nic" vfio-mdev-pci
check "  the definition's $edu0 taken, its mdev started" wait_for 60 mdev_exists "$uuid"
check "  module $old loaded" test "$(cat /sys/module/vfio_mdev_pci/version)" = "$old"
check "  signed with DKMS's key" module_signed_by vfio_mdev_pci /var/lib/dkms/mok.pub

# 4. A VFIO user (the guest) holds the mdev; the admin breaks the config;
# the upgrade changes nothing that runs.
"$VFIO_CLIENT" hold "$uuid" --seconds 600 --ready-file "$T_STATE/ready" \
	>"$T_STATE/hold.out" 2>&1 &
hold_pid=$!
check "the guest holds $uuid" wait_for 30 test -e "$T_STATE/ready"
printf '[devices]\naddresses=not-an-address\n' >"$conf"
apt_run "upgrade to $new: the broken config named, nothing taken" \
	"no device taken: fix the config file" \
	apt-get install -y /tmp/debs-next/vfio-mdev-pci_*.deb /tmp/debs-next/vfio-mdev-pci-dkms_*.deb
check "  the tool's error names the key" grep -q "addresses" "$T_STATE/apt.out"
check "  $new installed" installed vfio-mdev-pci "$new"
check "  the guest still holds its device" kill -0 "$hold_pid"
check "  $edu0 still on vfio-mdev-pci" driver_is "$edu0" vfio-mdev-pci
check "  its mdev there" mdev_exists "$uuid"
check "  igb kept its driver" driver_is "$igb" igb
check "  module $old still loaded" test "$(cat /sys/module/vfio_mdev_pci/version)" = "$old"
check "  module $new on disk" test "$(modinfo -F version vfio_mdev_pci)" = "$new"
printf '[devices]\naddresses=%s\n' "$nic" >"$conf"

# 5. Removal, refused while the guest holds the mdev.
check_fails "remove refused while the guest holds the mdev" \
	"vfio-mdev-pci: not removed: shut down the guests" \
	apt-get remove -y vfio-mdev-pci
grep "vfio-mdev-pci:" "$T_STATE/out" | sed 's/^/# /'
check "  still installed" installed vfio-mdev-pci "$new"
check "  the guest still holds its device" kill -0 "$hold_pid"
kill "$hold_pid"
wait "$hold_pid"

# 6. The new module runs from its next load: once nothing uses the old
# one (docs/packaging.md, "Upgrades").
check "give everything back" vfio-mdev-pci release-all
check "  $nic back on e1000" driver_is "$nic" e1000
check "  unload the old module" modprobe -r vfio_mdev_pci
check "  start the mdev again" mdevctl start -u "$uuid"
check "  module $new loaded" test "$(cat /sys/module/vfio_mdev_pci/version)" = "$new"
check "  the legacy type's mdev on it" sh -c \
	"readlink /sys/bus/mdev/devices/$uuid/mdev_type | grep -q 'vfio-mdev-pci-type1\$'"
check "  take $nic again" vfio-mdev-pci bind "$nic"

# 7. Remove: the mdev stops, the devices go back, files go (the hook
# too); the definition and the admin's config stay.
apt_run "remove" "Removing vfio-mdev-pci " \
	apt-get remove -y vfio-mdev-pci vfio-mdev-pci-dkms
check "  mdev stopped" not mdev_exists "$uuid"
check "  $edu0 given back (edu has no host driver)" test -z "$(pci_driver "$edu0")"
check "  $nic given back to e1000" driver_is "$nic" e1000
check "  module unloaded" test ! -d /sys/module/vfio_mdev_pci
check "  files gone" gone $files
check "  definition kept" sh -c "mdevctl list -d | grep -q $uuid"
check "  config kept" test -s "$conf"
check "  the libvirt hook gone" gone /etc/libvirt/hooks/qemu.d/vfio-mdev-pci

# 8. Purge: the config goes; the definition is named.
apt_run "purge" "Purging configuration files for vfio-mdev-pci " \
	apt-get purge -y vfio-mdev-pci vfio-mdev-pci-dkms
check "  purge named the kept definition" grep -q "$uuid on $edu0" "$T_STATE/apt.out"
check "  config gone" gone "$conf"
check "  dpkg has nothing of them" sh -c \
	"! dpkg -l vfio-mdev-pci vfio-mdev-pci-dkms 2>/dev/null | grep -q '^[ir]'"
mdevctl undefine -u "$uuid"
done_testing
