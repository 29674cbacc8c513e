# shellcheck shell=bash
# The project's Debian packages: built from an exported tree in the
# package chroot of a suite (tests/build/debs-chroot.sh) with
# dpkg-buildpackage, as debian/ says, checked with lintian, and installed
# with apt into the suite's guest image as a user installs them.

# debs_build SUITE SRC OUTDIR [VERSION]: build the packages of the
# exported tree SRC for SUITE (once per tree, version and chroot:
# build_once); OUTDIR gets the .debs, the .changes, debs-build.log and
# lintian.log (lintian's tags, one a line; empty when it has nothing to
# say).  VERSION, if given, replaces the project's version in the build's
# copy of the tree (meson.build, a debian/changelog entry on top): the
# "newer" packages an upgrade installs.
debs_build() {
	local suite=$1 src=$2 version=${4:-} root key
	root=$(sh "$SRC_ROOT/tests/build/debs-chroot.sh" "$suite") ||
		die "cannot create the $suite package chroot (tests/build/debs-chroot.sh)"
	key=$({ (cd "$src" && find . -type f -print0 | sort -z |
		xargs -0 sha256sum) || date +%s.%N
		declare -f debs_build_in debs_set_version
		echo "$root $version"; } | sha256sum | cut -c1-16)
	build_once "debs-$suite" "$key" "$3" debs_build_in "$root" "$src" "$version"
}

# debs_set_version TREE VERSION: the tree's version becomes VERSION, with
# a changelog entry a day later than the last (lintian wants it newer).
debs_set_version() {
	local tree=$1 version=$2 trailer when
	trailer=$(sed -n '/^ -- /{p;q}' "$tree/debian/changelog")
	when=$(date -R -u -d "${trailer##*>  } + 1 day") ||
		die "no date in the changelog's last entry: $trailer"
	sed -i "0,/^  version : '[^']*',/s//  version : '$version',/" "$tree/meson.build"
	grep -q "^  version : '$version'," "$tree/meson.build" ||
		die "no version line in meson.build"
	{
		printf 'vfio-mdev-pci (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Rebuild with version %s, for the upgrade tests.\n\n' "$version"
		printf '%s  %s\n\n' "${trailer%>  *}>" "$when"
		cat "$tree/debian/changelog"
	} >"$tree/debian/changelog.new"
	mv "$tree/debian/changelog.new" "$tree/debian/changelog"
}

debs_build_in() {
	local root=$1 src=$2 version=$3 out=$4 scratch rc=0
	scratch=$(mktemp -d "$root/tmp/vmp-debs.XXXXXX")
	# lintian runs as nobody (below).
	chmod 755 "$scratch"
	cp -a "$src" "$scratch/vfio-mdev-pci"
	[ -z "$version" ] || debs_set_version "$scratch/vfio-mdev-pci" "$version"
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_root "$root" sh -euc 'cd "$1/vfio-mdev-pci" && dpkg-buildpackage -b -us -uc' \
		sh "/tmp/${scratch##*/}" >"$out/debs-build.log" 2>&1 || rc=$?
	if [ $rc = 0 ]; then
		cp "$scratch"/*.deb "$scratch"/*.changes "$out/"
		# Every tag, informational ones too (--display-info); the
		# build test fails on errors and warnings.  As nobody: lintian
		# asks not to be run as root.
		# shellcheck disable=SC2016 # expanded inside the chroot
		in_root "$root" sh -c 'HOME=/tmp setpriv --reuid=65534 --regid=65534 \
			--clear-groups lintian --display-info --fail-on none "$1"/*.changes' \
			sh "/tmp/${scratch##*/}" >"$out/lintian.log" 2>&1 || rc=$?
	fi
	rm -rf "$scratch"
	[ $rc = 0 ] || { tail -n 30 "$out/debs-build.log" "$out/lintian.log" >&2 2>/dev/null; die "package build for $1 failed"; }
}

# debs_image IMAGE DEBSDIR: print the directory of IMAGE's root file
# system (image.sh) with the packages in DEBSDIR installed, rootfs.img,
# and its install log, apt.log (once per image and packages:
# build_cached).  apt installs them into the image root, as on a
# user's machine: DKMS builds and signs the module for the image's kernel
# there; the maintainer scripts find no running udev or systemd, as in
# an image builder.  On the host, natively: in a TCG guest the same
# install took two minutes, most of it depmod over 4000 modules.
debs_image() {
	local image=$1 debs=$2 key
	key=$({ sha256sum "$debs"/*.deb | cut -d' ' -f1
		declare -f debs_image_in
		echo "$image"; } | sha256sum | cut -c1-16)
	build_cached "pkgimage-${image##*/}" "$key" debs_image_in "$image" "$debs"
}

debs_image_in() {
	local image=$1 debs=$2 out=$3 root rel m rc=0
	rel=$(cat "$image/kernel-release")
	root=$out/root
	mkdir -p "$out/upper" "$out/work" "$root"
	# The image root stays as it is (the kernel tier and the project
	# builds use it): apt writes into an overlay.
	mount -t overlay overlay \
		-o "lowerdir=$image/root,upperdir=$out/upper,workdir=$out/work" "$root" ||
		die "cannot mount an overlay on $image/root"
	# Only the image's own kernel: the debug kernel unpacked into the
	# trixie root (lib/kernel.sh) is not the guest's, nor are the
	# builds' locks and markers.
	for m in "$root"/lib/modules/*; do
		[ "${m##*/}" = "$rel" ] ||
			rm -rf "$m" "$root/usr/src/linux-headers-${m##*/}" "$root"/boot/*-"${m##*/}"
	done
	rm -f "$root"/.vmp-*
	mkdir "$root/tmp/debs"
	cp "$debs"/vfio-mdev-pci_*.deb "$debs"/vfio-mdev-pci-dkms_*.deb \
		"$debs"/vfio-mdev-pci-tests_*.deb "$root/tmp/debs/"
	chmod 644 "$root"/tmp/debs/*.deb
	in_root "$root" sh -euc 'apt-get install -y --no-install-recommends \
		/tmp/debs/*.deb' >"$out/apt.log" 2>&1 || rc=$?
	rm -rf "$root/tmp/debs" "$root/.vmp-build.lock"
	if [ $rc = 0 ]; then
		mke2fs -q -t ext4 -L root -d "$root" "$out/rootfs.img" 6G \
			>>"$out/apt.log" 2>&1 || rc=$?
	fi
	umount "$root" || umount -l "$root"
	rm -rf "$out/upper" "$out/work" "$root"
	[ $rc = 0 ] || { tail -n 30 "$out/apt.log" >&2; die "installing the packages into $image failed"; }
}
