#!/bin/sh
# Install the project the way a user installs a build: `meson install` of
# a build directory compiled on the host in this suite's image root (the
# same libraries and kernel headers as this guest; tests/vm/lib/project.sh),
# then the module where `dkms install` puts it, with depmod's indexes.
# Neither the compiler nor depmod runs here: under TCG they took minutes
# (depmod over the kernel's 4000 modules alone 90-110 s); the indexes
# come from depmod run on the host over the same module tree.
. "$(dirname "$0")/lib.sh"

dir=$(cat "$VMTEST_OUT/prebuilt/project-dir")
krel=$(uname -r)
check "unpack the build directory" tar -C / -xf "$VMTEST_OUT/prebuilt/project.tar"
check "meson install" meson install -C "$dir/build" --no-rebuild
check "module installed for $krel" install -D -m 644 \
	"$VMTEST_OUT/prebuilt/vfio_mdev_pci.ko" \
	"/lib/modules/$krel/updates/dkms/vfio_mdev_pci.ko"
check "depmod's indexes, from the host" \
	tar -C "/lib/modules/$krel" -xf "$VMTEST_OUT/prebuilt/depmod.tar"
check "module is known to modinfo" modinfo -k "$krel" vfio_mdev_pci
check "modprobe resolves it and its dependencies" \
	sh -c "modprobe -S $krel --show-depends vfio_mdev_pci | grep -q 'updates/dkms/vfio_mdev_pci.ko'"
check "udev and systemd see the new rules and units" \
	sh -c 'udevadm control --reload && systemctl daemon-reload'
# libvirt looks for hook scripts when its daemon starts: a running one
# (libvirtd, or virtqemud with the modular daemons) must be restarted to
# call ours, as README.md tells users.
restart_libvirt() {
	for unit in libvirtd.service virtqemud.service; do
		systemctl cat "$unit" >/dev/null 2>&1 || continue
		systemctl try-restart "$unit" || return 1
	done
}
check "a running libvirt daemon restarted, for the hook" restart_libvirt
check "vfio-client installed" test -x "$VFIO_CLIENT"
done_testing
