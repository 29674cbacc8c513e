#!/bin/sh
# Install the project the way a user would: meson setup/compile/install,
# then DKMS for the kernel module.
. "$(dirname "$0")/lib.sh"

rm -rf /root/src /root/build
cp -a "$VMTEST_SRC" /root/src
check "meson setup" meson setup /root/build /root/src \
	--prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	-Dvm_tests=disabled -Dtests=disabled
check "meson compile" meson compile -C /root/build
check "meson install" meson install -C /root/build
version=$(meson introspect --projectinfo /root/build | jq -r .version)
# Every kernel that has headers, as DKMS's own kernel hooks would: the
# debug suite installs under Debian's kernel and runs the debug one.
for k in $(ls /lib/modules); do
	[ -e "/lib/modules/$k/build" ] || continue
	check "dkms install of vfio-mdev-pci $version for $k" \
		dkms install -m vfio-mdev-pci -v "$version" -k "$k"
	check "module is known to modinfo for $k" modinfo -k "$k" vfio_mdev_pci
done
check "vfio-client installed" test -x "$VFIO_CLIENT"
done_testing
