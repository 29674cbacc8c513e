#!/bin/bash
# Build (once) and print the cache directory of a guest image for SUITE
# (trixie, sid or trixie-debug): rootfs.img (ext4), vmlinuz, initrd.img,
# kernel-release.
#
# trixie-debug is trixie with the debug kernel of debug-kernel.sh (KASAN,
# lockdep, kmemleak, ...) next to Debian's kernel: vmlinuz, initrd.img and
# kernel-release are the debug kernel's, install-vmlinuz,
# install-initrd.img and install-kernel-release Debian's.  The harness
# installs the project under Debian's kernel (DKMS builds the module for
# both), which is many times faster than under the debug kernel, and runs
# the scenarios under the debug kernel.
#
# The image is keyed by a hash of everything that goes into it (this
# script, packages.txt, the suite, the debug kernel's cache key), so it is
# rebuilt only when those change and is shared between clones of the
# repository.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

suite=${1:?usage: image.sh trixie|sid|trixie-debug}
dist=$suite
kernel_debs=
case $suite in
trixie|sid) ;;
trixie-debug)
	dist=trixie
	kernel_debs=$("$VM_DIR/debug-kernel.sh")
	;;
*) die "unknown suite '$suite'" ;;
esac

key=$(cat "$0" "$VM_DIR/image-customize.sh" "$VM_DIR/packages.txt" |
	{ cat; echo "$suite"; [ -z "$kernel_debs" ] || basename "$kernel_debs"; } |
	sha256sum | cut -c1-16)
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

# The debug kernel's .debs go in before image-customize.sh, whose
# update-initramfs then covers it.
hooks=()
if [ -n "$kernel_debs" ]; then
	hooks=(--customize-hook="cp $kernel_debs/*.deb \"\$1/tmp/\" &&
		chroot \"\$1\" sh -c 'dpkg -i /tmp/linux-*.deb && rm /tmp/linux-*.deb'")
fi

run_with_progress "building $suite root file system" "$tmp/mmdebstrap.log" \
	mmdebstrap --mode=root --variant=minbase --include="$pkgs" \
	"${aptopts[@]}" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	"${hooks[@]}" \
	--customize-hook="sh $VM_DIR/image-customize.sh \"\$1\"" \
	"$dist" "$tmp/root"

# export_kernel RELEASE PREFIX: the kernel and initramfs for direct boot.
export_kernel() {
	cp "$tmp/root/boot/vmlinuz-$1" "$tmp/${2}vmlinuz"
	cp "$tmp/root/boot/initrd.img-$1" "$tmp/${2}initrd.img"
	echo "$1" >"$tmp/${2}kernel-release"
}
releases=$(ls "$tmp"/root/boot/vmlinuz-* | sed 's|.*/vmlinuz-||')
if [ -n "$kernel_debs" ]; then
	debug=$(cat "$kernel_debs/kernel-release")
	export_kernel "$debug" ""
	export_kernel "$(echo "$releases" | grep -vxF "$debug")" install-
else
	[ "$(echo "$releases" | wc -l)" = 1 ] || die "more than one kernel in the $suite image: $releases"
	export_kernel "$releases" ""
fi
run_with_progress "writing $suite ext4 image" "$tmp/mke2fs.log" \
	mke2fs -q -t ext4 -L root -d "$tmp/root" "$tmp/rootfs.img" 6G
rm -rf "$tmp/root"
touch "$tmp/done"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
say "image $suite ready: $dir ($(cat "$dir/kernel-release"))"
echo "$dir"
