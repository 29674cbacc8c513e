# shellcheck shell=sh
# Sourced by the top-level scripts: image builds (mmdebstrap --mode=root)
# and apt-get need root, so come back through sudo when we are not.
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || {
		echo "$0: must run as root (no sudo found)" >&2
		exit 1
	}
	exec sudo --preserve-env=CI,VFIO_MDEV_PCI_CACHE,VFIO_MDEV_PCI_BUILDDIR,VMTEST_ACCEL \
		"$0" "$@"
fi
