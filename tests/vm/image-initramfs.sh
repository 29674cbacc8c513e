#!/bin/sh
# mmdebstrap --essential-hook for the guest images ($1 is the new root):
# a small initramfs, since the guest needs only the virtio disk and ext4
# to find its root and loads everything else from it.  Written before the
# kernel package is installed, so that its postinst builds this initramfs
# once instead of a full one that the customize hook would rebuild.  The
# module list goes to modules.d, not to /etc/initramfs-tools/modules,
# which initramfs-tools ships as a conffile.
set -eu
root=$1
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/usr/share/initramfs-tools/modules.d"
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/vmtest.conf"
printf '%s\n' virtio_pci virtio_blk ext4 >"$root/usr/share/initramfs-tools/modules.d/vmtest"
