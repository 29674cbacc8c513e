# shellcheck shell=bash
# The project's Debian packages, built from an exported tree in the
# package chroot of a suite (tests/build/debs-chroot.sh) with
# dpkg-buildpackage, as debian/ says, and checked with lintian.

# debs_build SUITE SRC OUTDIR: build the packages of the exported tree SRC
# for SUITE (once per tree and chroot: build_once); OUTDIR gets the .debs,
# the .changes, debs-build.log and lintian.log (lintian's tags, one a
# line; empty when it has nothing to say).
debs_build() {
	local suite=$1 src=$2 root key
	root=$(sh "$SRC_ROOT/tests/build/debs-chroot.sh" "$suite") ||
		die "cannot create the $suite package chroot (tests/build/debs-chroot.sh)"
	key=$({ (cd "$src" && find . -type f -print0 | sort -z |
		xargs -0 sha256sum) || date +%s.%N
		declare -f debs_build_in
		echo "$root"; } | sha256sum | cut -c1-16)
	build_once "debs-$suite" "$key" "$3" debs_build_in "$root" "$src"
}

debs_build_in() {
	local root=$1 src=$2 out=$3 scratch rc=0
	scratch=$(mktemp -d "$root/tmp/vmp-debs.XXXXXX")
	# lintian runs as nobody (below).
	chmod 755 "$scratch"
	cp -a "$src" "$scratch/vfio-mdev-pci"
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
