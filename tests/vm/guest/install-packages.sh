#!/bin/sh
# The project's packages, as apt installed them into this image on the
# host (tests/vm/lib/debs.sh, debs_image): what a user's install leaves,
# seen from the booted system.  DKMS built the module there for this
# kernel and signed it with its own key (Secure Boot: docs/packaging.md).
. "$(dirname "$0")/lib.sh"

krel=$(uname -r)
for pkg in vfio-mdev-pci vfio-mdev-pci-dkms vfio-mdev-pci-tests; do
	check "$pkg installed" sh -c \
		"dpkg-query -W -f='\${Status}' $pkg | grep -qx 'install ok installed'"
done
version=$(dpkg-query -W -f='${Version}' vfio-mdev-pci-dkms)
dkms status -k "$krel" 2>&1 | sed 's/^/# /'
check "DKMS installed vfio-mdev-pci $version for $krel" sh -c \
	"dkms status -m vfio-mdev-pci -v $version -k $krel | grep -q ': installed'"
check "modprobe finds the DKMS module" sh -c \
	"modprobe --show-depends vfio_mdev_pci | grep -q 'updates/dkms/vfio_mdev_pci.ko'"
check "its version is the package's ($version)" \
	test "$(modinfo -F version vfio_mdev_pci)" = "$version"
check "signed with DKMS's key" module_signed_by vfio_mdev_pci /var/lib/dkms/mok.pub
check "the rule, units, callout and hook in place" test -e \
	/usr/lib/udev/rules.d/90-vfio-mdev-pci.rules -a -e \
	/usr/lib/systemd/system/vfio-mdev-pci-bind@.service -a -x \
	/usr/lib/mdevctl/scripts.d/callouts/vfio-mdev-pci -a -x \
	/etc/libvirt/hooks/qemu.d/vfio-mdev-pci
check "vfio-client installed" test -x "$VFIO_CLIENT"
done_testing
