#!/bin/sh
# The packages, as a user has them: apt installs them (DKMS builds the
# module in the guest), a guest's use of an mdev refuses their removal,
# removal gives the device back and keeps the definitions, purge names
# them.  The .debs come from the host's package build (tests/vm/lib/
# debs.sh), in OUT/prebuilt/debs; the guest had the tree's meson
# install first, whose files the packages take over.
. "$(dirname "$0")/../guest/lib.sh"
# apt installs local files given as paths, copied off the 9p share for
# its sandbox user.
debs=/tmp/debs
mkdir -p "$debs"
cp "$VMTEST_OUT"/prebuilt/debs/vfio-mdev-pci_*.deb \
	"$VMTEST_OUT"/prebuilt/debs/vfio-mdev-pci-dkms_*.deb "$debs/"
chmod 644 "$debs"/*.deb
edu=$(pci_find 1234:11e8 | sed -n 1p)
check "install the packages (DKMS builds the module)" \
	sh -c "cd $debs && apt-get install -y ./vfio-mdev-pci_*.deb ./vfio-mdev-pci-dkms_*.deb"
dkms status 2>&1 | sed 's/^/# /'
check "dpkg says installed" sh -c "dpkg-query -W -f='\${Status}' vfio-mdev-pci | grep -q 'install ok installed'"
check "module known" modinfo vfio_mdev_pci
uuid=$(vfio-mdev-pci define "$edu" 2>"$T_STATE/define.err")
check "defined $uuid on $edu" test -n "$uuid"
check "mdevctl start" mdevctl start -u "$uuid"
check "edu on vfio-mdev-pci" driver_is "$edu" vfio-mdev-pci
"$VFIO_CLIENT" hold "$uuid" --seconds 300 --ready-file "$T_STATE/ready" >"$T_STATE/hold.out" 2>&1 &
hold_pid=$!
wait_for 30 test -e "$T_STATE/ready"
check_fails "remove refused while a VFIO user holds the mdev" "Nothing was released" \
	apt-get remove -y vfio-mdev-pci
grep "vfio-mdev-pci:" "$T_STATE/out" | sed 's/^/# /'
check "still installed" sh -c "dpkg-query -W -f='\${Status}' vfio-mdev-pci | grep -q 'install ok installed'"
check "mdev still active" mdev_exists "$uuid"
kill "$hold_pid"; wait "$hold_pid"
check "remove" apt-get remove -y vfio-mdev-pci vfio-mdev-pci-dkms
check "mdev stopped" sh -c "! test -e /sys/bus/mdev/devices/$uuid"
drv=$(pci_driver "$edu")
check "edu not on vfio-mdev-pci" test "$drv" != vfio-mdev-pci
diag "edu driver now: ${drv:-none}"
check "module unloaded" sh -c "! test -d /sys/module/vfio_mdev_pci"
check "definition kept" sh -c "mdevctl list -d | grep -q $uuid"
check "callout gone" sh -c "! test -e /usr/lib/mdevctl/scripts.d/callouts/vfio-mdev-pci"
check "hook kept (conffile) and inert" sh -c "/etc/libvirt/hooks/qemu.d/vfio-mdev-pci dom prepare begin - </dev/null"
apt-get purge -y vfio-mdev-pci vfio-mdev-pci-dkms >"$T_STATE/purge.out" 2>&1
check "purge names the kept definition" grep -q "$uuid" "$T_STATE/purge.out"
sed 's/^/# /' "$T_STATE/purge.out" | tail -8
check "hook gone after purge" sh -c "! test -e /etc/libvirt/hooks/qemu.d/vfio-mdev-pci"
done_testing
