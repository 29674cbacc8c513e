#!/bin/bash
# Build (once) and print the cache directory of a guest image for SUITE
# (trixie or sid): rootfs.img (ext4), vmlinuz, initrd.img, kernel-release.
#
# The image is keyed by a hash of everything that goes into it (this
# script, packages.txt, the suite), so it is rebuilt only when those change
# and is shared between clones of the repository.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

suite=${1:?usage: image.sh trixie|sid}
case $suite in trixie|sid) ;; *) die "unknown suite '$suite'" ;; esac

key=$(cat "$0" "$VM_DIR/image-customize.sh" "$VM_DIR/packages.txt" | { cat; echo "$suite"; } |
	sha256sum | cut -c1-16)
dir=$CACHE_ROOT/images/$suite-$key
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "building a guest image needs root (mmdebstrap --mode=root)"
mkdir -p "$CACHE_ROOT/images"
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
	--customize-hook="sh $VM_DIR/image-customize.sh \"\$1\"" \
	"$suite" "$tmp/root"

cp "$tmp"/root/boot/vmlinuz-* "$tmp/vmlinuz"
cp "$tmp"/root/boot/initrd.img-* "$tmp/initrd.img"
basename "$(ls "$tmp"/root/boot/vmlinuz-*)" | sed 's/^vmlinuz-//' >"$tmp/kernel-release"
run_with_progress "writing $suite ext4 image" "$tmp/mke2fs.log" \
	mke2fs -q -t ext4 -L root -d "$tmp/root" "$tmp/rootfs.img" 6G
rm -rf "$tmp/root"
touch "$tmp/done"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
say "image $suite ready: $dir ($(cat "$dir/kernel-release"))"
echo "$dir"
