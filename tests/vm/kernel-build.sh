#!/bin/bash
# kernel-build.sh debug: build (once) and print the cache directory of
# the suite's own kernel, from Debian 13's linux-source-6.12: the kernel
# tier's debug kernel, tinyconfig + kernel/tiny.config +
# kernel/tier.config + kernel/debug.config (KASAN, lockdep, kmemleak,
# DEBUG_KOBJECT_RELEASE, ...), packaged with `make bindeb-pkg`:
# lib/kernel.sh unpacks the linux-image .deb (the kernel and its modules)
# and the linux-headers .deb (to build our module against) as it does
# Debian's own packages.  The directory holds linux-image-*.deb and
# linux-headers-*.deb.
#
# It starts from tinyconfig, not a distribution's or defconfig's
# configuration: on the first CI run (two cores) every compiled file
# costs about a second of a core.  The directory also holds config,
# kernel-release and build-seconds.  It is
# keyed by a hash of this script, the flavour's fragments and the
# linux-source package version, and built in a temporary directory
# renamed on success.  The build runs in the Debian 13 tool chroot of
# tests/build/chroot.sh (gcc-14; the host's compiler is too old).
# Needs root.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

flavour=${1:-}
case $flavour in
debug) fragments=(tiny tier debug) ;;
*) die "usage: kernel-build.sh debug" ;;
esac
fragment_files=()
for f in "${fragments[@]}"; do
	fragment_files+=("$VM_DIR/kernel/$f.config")
done
[ "$(id -u)" = 0 ] || die "building a kernel needs root (chroot)"

# One builder at a time: the suites may ask in parallel, and each build
# keeps both cores busy.
mkdir -p "$CACHE_ROOT/kernels"
exec 9>"$CACHE_ROOT/kernels/.build.lock"
flock 9

# The Debian 13 tool chroot (gcc-14, linux-source-6.12), shared with
# checkpatch.
chroot_dir=$(sh "$SRC_ROOT/tests/build/chroot.sh" trixie) ||
	die "cannot create the Debian 13 tool chroot (tests/build/chroot.sh)"

src_version=$(chroot "$chroot_dir" dpkg-query -W -f "\${Version}" linux-source-6.12)
key=$( { cat "$0" "${fragment_files[@]}"; echo "$flavour $src_version"; } |
	sha256sum | cut -c1-16)
dir=$CACHE_ROOT/kernels/$flavour-$key
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

# The build tree lives in the chroot under this key's name and is removed
# only after a successful build: a build that failed or was interrupted
# goes on where it stopped when run again.  Other trees of this flavour
# go.  The source is unpacked once per linux-source version and shared.
tmp=$(mktemp -d "$CACHE_ROOT/kernels/.build-$flavour.XXXXXX")
build=$chroot_dir/build-$flavour-$key
srcdir=/src-$src_version
find "$chroot_dir" -mindepth 1 -maxdepth 1 \( -name "build-$flavour-*" -o -name 'build-????????????????' \) \
	! -name "build-$flavour-$key" -exec rm -rf {} +
find "$chroot_dir" -mindepth 1 -maxdepth 1 -name 'src-*' ! -name "src-$src_version" \
	-exec rm -rf {} +
mounted=
cleanup() {
	[ -z "$mounted" ] || umount "$chroot_dir/proc" || umount -l "$chroot_dir/proc" || true
	if [ -d "$tmp" ]; then
		# Keep the logs for the person who reads ours.
		mkdir -p "$build/logs"
		cp "$tmp"/*.log "$build/logs/" 2>/dev/null || true
		echo "$flavour kernel: build logs and the unfinished tree in $build" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$build"
mount -t proc proc "$chroot_dir/proc"
mounted=1
i=0
for f in "${fragment_files[@]}"; do
	cp "$f" "$build/$i-$(basename "$f")"
	i=$((i + 1))
done

in_chroot() {
	chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 "$@"
}

say "$flavour kernel: linux-source-6.12 $src_version, tinyconfig + ${fragments[*]}"
run_with_progress "unpacking linux-source-6.12" "$tmp/unpack.log" \
	in_chroot sh -c "test -e $srcdir/unpacked || {
		rm -rf $srcdir && mkdir $srcdir &&
		tar -C $srcdir -xaf /usr/src/linux-source-6.12.tar.xz &&
		touch $srcdir/unpacked; }"
obj=/build-$flavour-$key/obj
# KCONFIG_CONFIG is left alone: merge_config.sh and olddefconfig work on
# .config; every option of the fragments must survive olddefconfig.
run_with_progress "configuring the $flavour kernel" "$tmp/config.log" \
	in_chroot sh -c "mkdir -p $obj && cd $srcdir/linux-source-6.12 &&
		make O=$obj tinyconfig && cd $obj &&
		$srcdir/linux-source-6.12/scripts/kconfig/merge_config.sh -m .config /build-$flavour-$key/*.config &&
		make olddefconfig"
missing=$(cat "${fragment_files[@]}" | grep -E '^(CONFIG_|# CONFIG_)' | while IFS= read -r line; do
	case $line in
	"# "*) opt=${line#\# }; opt=${opt%% *}
		grep -qE "^$opt=" "$build/obj/.config" && echo "$opt (wanted off)" ;;
	*) grep -qxF "$line" "$build/obj/.config" || echo "$line" ;;
	esac
done || true)
[ -z "$missing" ] || die "olddefconfig did not keep these options of ${fragments[*]}: $missing"

start=$SECONDS
jobs=$(nproc)
run_with_progress "building the $flavour kernel (make -j$jobs bindeb-pkg)" "$tmp/build.log" \
	in_chroot sh -c "cd $obj && make -j$jobs bindeb-pkg \
		KDEB_PKGVERSION=1 KBUILD_BUILD_TIMESTAMP=vfio-mdev-pci \
		KBUILD_BUILD_USER=vmtest KBUILD_BUILD_HOST=vmtest \
		DPKG_FLAGS=-d"
echo $((SECONDS - start)) >"$tmp/build-seconds"

# bindeb-pkg writes the packages next to the object tree.
cp "$build"/linux-image-*.deb "$build"/linux-headers-*.deb "$tmp/"
cp "$build/obj/.config" "$tmp/config"
in_chroot make -s -C "$obj" kernelrelease >"$tmp/kernel-release"
gzip -9 "$tmp/build.log"
rm -f "$tmp/unpack.log"
touch "$tmp/done"
rm -rf "$dir"
mv -T "$tmp" "$dir"
rm -rf "$build"
say "$flavour kernel $(cat "$dir/kernel-release") built in $(cat "$dir/build-seconds") s: $dir"
echo "$dir"
