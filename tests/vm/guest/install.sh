#!/bin/sh
# Install the project the way a user installs a build: `meson install` of
# a build directory compiled on the host in this suite's image root (the
# same libraries and kernel headers as this guest; tests/vm/lib/project.sh),
# then the module where `dkms install` puts it, and depmod.  No compiler
# runs here: that took minutes under TCG.
. "$(dirname "$0")/lib.sh"

dir=$(cat "$VMTEST_OUT/prebuilt/project-dir")
krel=$(uname -r)
check "unpack the build directory" tar -C / -xf "$VMTEST_OUT/prebuilt/project.tar"
check "meson install" meson install -C "$dir/build" --no-rebuild
check "module installed for $krel" install -D -m 644 \
	"$VMTEST_OUT/prebuilt/vfio_mdev_pci.ko" \
	"/lib/modules/$krel/updates/dkms/vfio_mdev_pci.ko"
check "depmod" depmod -a "$krel"
check "module is known to modinfo" modinfo -k "$krel" vfio_mdev_pci
check "udev and systemd see the new rules and units" \
	sh -c 'udevadm control --reload && systemctl daemon-reload'
check "vfio-client installed" test -x "$VFIO_CLIENT"
done_testing
