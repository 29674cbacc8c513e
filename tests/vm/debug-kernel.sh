#!/bin/bash
# Build (once) and print the cache directory of the debug kernel of the
# kernel tier: Debian 13's linux-source-6.12 configured as
# x86_64_defconfig + kvm_guest.config + debug-kernel.config (KASAN,
# lockdep, kmemleak, DEBUG_KOBJECT_RELEASE, ...), packaged with
# `make bindeb-pkg`: kernel-root.sh unpacks the linux-image .deb (the
# kernel and its modules) and the linux-headers .deb (to build our
# module against) as it does Debian's own kernel packages.
#
# The directory holds linux-image-*.deb, linux-headers-*.deb, config,
# kernel-release and build-seconds.  It is keyed by a hash of this
# script, debug-kernel.config and the linux-source package version, and
# built in a temporary directory renamed on success.  The build runs in a
# Debian 13 chroot (gcc-14; the host's compiler is too old), cached under
# chroots/ by its package list.  The test run builds it first and alone
# (the debug-kernel test), at normal priority: everything in the debug
# suite waits for it.  Needs root.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

fragment=$VM_DIR/debug-kernel.config
# The build chroot's packages: linux-source-6.12 and what
# `make bindeb-pkg` needs.  The chroot is keyed by this list.
chroot_pkgs=linux-source-6.12,gcc,make,bc,bison,flex,libssl-dev,libelf-dev,cpio,kmod,rsync,dpkg-dev,debhelper,fakeroot,python3,xz-utils,zstd

[ "$(id -u)" = 0 ] || die "building the debug kernel needs root (chroot)"

# One builder at a time: the suites may ask in parallel.
mkdir -p "$CACHE_ROOT/kernels" "$CACHE_ROOT/chroots"
exec 9>"$CACHE_ROOT/kernels/.debug.lock"
flock 9

chroot_dir=$CACHE_ROOT/chroots/kbuild-trixie-$(echo "$chroot_pkgs" | sha256sum | cut -c1-12)
if [ ! -e "$chroot_dir/.done" ]; then
	rm -rf "$chroot_dir"
	tmp_root=$(mktemp -d "$CACHE_ROOT/chroots/.kbuild-trixie.XXXXXX")
	trap 'rm -rf "$tmp_root"' EXIT
	run_with_progress "creating the kernel build chroot" "$tmp_root.log" \
		mmdebstrap --mode=root --variant=minbase \
		--include="$chroot_pkgs" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		trixie "$tmp_root"
	rm -f "$tmp_root.log"
	touch "$tmp_root/.done"
	mv -T "$tmp_root" "$chroot_dir"
	trap - EXIT
fi

src_version=$(chroot "$chroot_dir" dpkg-query -W -f "\${Version}" linux-source-6.12)
key=$( { cat "$0" "$fragment"; echo "$src_version"; } |
	sha256sum | cut -c1-16)
dir=$CACHE_ROOT/kernels/debug-$key
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

# The build tree lives in the chroot under this key's name and is removed
# only after a successful build: a build that failed or was interrupted
# goes on where it stopped when run again.  Trees of other keys go.
tmp=$(mktemp -d "$CACHE_ROOT/kernels/.build-debug.XXXXXX")
build=$chroot_dir/build-$key
find "$chroot_dir" -mindepth 1 -maxdepth 1 -name 'build*' ! -name "build-$key" \
	-exec rm -rf {} +
mounted=
cleanup() {
	[ -z "$mounted" ] || umount "$chroot_dir/proc" || umount -l "$chroot_dir/proc" || true
	if [ -d "$tmp" ]; then
		# Keep the logs for the person who reads ours.
		mkdir -p "$build/logs"
		cp "$tmp"/*.log "$build/logs/" 2>/dev/null || true
		echo "debug kernel: build logs and the unfinished tree in $build" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$build"
mount -t proc proc "$chroot_dir/proc"
mounted=1
cp "$fragment" "$build/debug.config"

in_chroot() {
	chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 "$@"
}

say "debug kernel: linux-source-6.12 $src_version, config $(basename "$fragment")"
run_with_progress "unpacking linux-source-6.12" "$tmp/unpack.log" \
	in_chroot sh -c "test -e /build-$key/unpacked || {
		rm -rf /build-$key/linux-source-6.12 &&
		tar -C /build-$key -xaf /usr/src/linux-source-6.12.tar.xz &&
		touch /build-$key/unpacked; }"
srcdir=/build-$key/linux-source-6.12
# KCONFIG_CONFIG is left alone: merge_config.sh and olddefconfig work on
# .config; every option of the fragment must survive olddefconfig.
run_with_progress "configuring the debug kernel" "$tmp/config.log" \
	in_chroot sh -c "cd $srcdir &&
		make x86_64_defconfig kvm_guest.config &&
		scripts/kconfig/merge_config.sh -m .config /build-$key/debug.config &&
		make olddefconfig"
missing=$(grep -E '^(CONFIG_|# CONFIG_)' "$fragment" | while IFS= read -r line; do
	case $line in
	"# "*) opt=${line#\# }; opt=${opt%% *}
		grep -qE "^$opt=" "$build/linux-source-6.12/.config" && echo "$opt (wanted off)" ;;
	*) grep -qxF "$line" "$build/linux-source-6.12/.config" || echo "$line" ;;
	esac
done || true)
[ -z "$missing" ] || die "olddefconfig did not keep these options of $(basename "$fragment"): $missing"

start=$SECONDS
jobs=$(nproc)
run_with_progress "building the debug kernel (make -j$jobs bindeb-pkg)" "$tmp/build.log" \
	in_chroot sh -c "cd $srcdir && make -j$jobs bindeb-pkg \
		KDEB_PKGVERSION=1 KBUILD_BUILD_TIMESTAMP=vfio-mdev-pci \
		KBUILD_BUILD_USER=vmtest KBUILD_BUILD_HOST=vmtest \
		DPKG_FLAGS=-d"
echo $((SECONDS - start)) >"$tmp/build-seconds"

cp "$build"/linux-image-*.deb "$build"/linux-headers-*.deb "$tmp/"
cp "$build/linux-source-6.12/.config" "$tmp/config"
in_chroot make -s -C "$srcdir" kernelrelease >"$tmp/kernel-release"
gzip -9 "$tmp/build.log"
rm -f "$tmp/unpack.log"
touch "$tmp/done"
rm -rf "$dir"
mv -T "$tmp" "$dir"
rm -rf "$build"
say "debug kernel $(cat "$dir/kernel-release") built in $(cat "$dir/build-seconds") s: $dir"
echo "$dir"
