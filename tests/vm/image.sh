#!/bin/bash
# Build (once) and print the cache directory of a guest image for SUITE
# (trixie or sid):
#   rootfs.img      ext4 image the integration tier boots (through a qcow2
#                   overlay, so it stays pristine);
#   vmlinuz, initrd.img, kernel-release   the suite's kernel, booted directly;
#   root/           the same file system as a directory: the suite's build
#                   root.  The project and the module are compiled there, on
#                   the host (build-in-root.sh), against exactly the kernel
#                   headers and libraries the guest has, so no compiler runs
#                   inside a TCG guest; the kernel tier takes the kernel's
#                   modules from it.
#
# The image is keyed by a hash of everything that goes into it (this
# script, its hooks, packages.txt and the suite), so it is rebuilt
# only when those change and is shared between clones of the repository.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

suite=${1:?usage: image.sh trixie|sid}
case $suite in
trixie|sid) ;;
*) die "unknown suite '$suite'" ;;
esac

key=$(cat "$0" "$VM_DIR/image-initramfs.sh" "$VM_DIR/image-customize.sh" \
	"$VM_DIR/packages.txt" |
	{ cat; echo "$suite"; } | sha256sum | cut -c1-16)
dir=$CACHE_ROOT/images/$suite-$key
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "building a guest image needs root (mmdebstrap --mode=root)"
mkdir -p "$CACHE_ROOT/images"
# One builder per image: a second run waits and uses the first one's
# result.  A finished image is never replaced: running guests' overlays
# point at it.
exec 9>"$CACHE_ROOT/images/.$suite-$key.lock"
flock 9
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi
tmp=$(mktemp -d "$CACHE_ROOT/images/.build-$suite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pkgs=$(grep -v '^#' "$VM_DIR/packages.txt" | paste -sd, -)

aptopts=()
# sid's Release file is sometimes past its Valid-Until on mirrors that
# lag; that is harmless for a throw-away test image.
[ "$suite" = sid ] && aptopts=(--aptopt='Acquire::Check-Valid-Until "false"')

run_with_progress "building $suite root file system" "$tmp/mmdebstrap.log" \
	mmdebstrap --mode=root --variant=minbase --include="$pkgs" \
	"${aptopts[@]}" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--essential-hook="sh $VM_DIR/image-initramfs.sh \"\$1\"" \
	--customize-hook="sh $VM_DIR/image-customize.sh \"\$1\"" \
	"$suite" "$tmp/root"

releases=$(ls "$tmp"/root/boot/vmlinuz-* | sed 's|.*/vmlinuz-||')
[ "$(echo "$releases" | wc -l)" = 1 ] || die "more than one kernel in the $suite image: $releases"
cp "$tmp/root/boot/vmlinuz-$releases" "$tmp/vmlinuz"
cp "$tmp/root/boot/initrd.img-$releases" "$tmp/initrd.img"
echo "$releases" >"$tmp/kernel-release"
run_with_progress "writing $suite ext4 image" "$tmp/mke2fs.log" \
	mke2fs -q -t ext4 -L root -d "$tmp/root" "$tmp/rootfs.img" 6G
touch "$tmp/done"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
say "image $suite ready: $dir ($(cat "$dir/kernel-release"))"
echo "$dir"
