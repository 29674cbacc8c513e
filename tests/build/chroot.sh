#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# chroot.sh trixie - create once, and print the path of, the Debian 13 tool
# chroot: gcc-14 and what `make bindeb-pkg` needs, with linux-source-6.12
# (tests/vm/kernel-build.sh builds the suite's kernels in it; the host's
# gcc-12 is too old for them), and perl with checkpatch.pl, its
# spelling.txt and const_structs.checkpatch taken from that source under
# /opt/checkpatch (checkpatch.sh).  One chroot for both: on a first run
# every chroot costs minutes of both cores.  (The module itself is built
# in the VM suites' build roots: tests/vm/lib/kernel.sh.)
#
# Cached under ${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}
# /chroots/SUITE-HASH, HASH being that of this script: editing the script
# makes a new chroot. Built in a temporary directory, renamed on success.
# Progress goes to stderr; only the path goes to stdout. Needs root.

set -eu

suite=${1:-}
case $suite in
trixie) ;;
*)
	echo "usage: $0 trixie" >&2
	exit 2
	;;
esac

cache=${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}
hash=$(sha256sum "$0" | cut -c1-12)
root=$cache/chroots/$suite-$hash

if [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "$0: creating a chroot needs root" >&2
	exit 1
fi

# One creator per suite at a time (tests may ask for it in parallel).
mkdir -p "$cache/chroots"
exec 9>"$cache/chroots/.$suite.lock"
flock 9
if [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

say() {
	echo "chroot.sh: $suite: $*" >&2
}

tmp=$(mktemp -d "$cache/chroots/.$suite-$hash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# linux-source-6.12 and what building it needs; perl for checkpatch.pl.
pkgs=linux-source-6.12,gcc,make,bc,bison,flex,libssl-dev,libelf-dev,cpio,kmod,rsync,dpkg-dev,debhelper,fakeroot,python3,xz-utils,zstd,perl
say "mmdebstrap --variant=minbase into $tmp"
mmdebstrap --mode=root --variant=minbase --include="$pkgs" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	"$suite" "$tmp" >&2

say "extracting checkpatch.pl from linux-source-6.12"
chroot "$tmp" sh -c "mkdir -p /opt/checkpatch && cd /opt/checkpatch &&
	tar -xJf /usr/src/linux-source-6.12.tar.xz --strip-components=2 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'" >&2

mv -T "$tmp" "$root"
trap - EXIT
say "ready"
echo "$root"
