#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# chroot.sh SUITE - create once, and print the path of, a Debian chroot
# that can build vfio_mdev_pci.ko against SUITE's kernel headers.
#
#   trixie: Debian 13, kernel 6.12, gcc-14; also checkpatch.pl (with its
#           spelling.txt and const_structs.checkpatch) taken from
#           linux-source-6.12, and sparse.
#   sid:    kernel 7.2, gcc-16.
#
# The host's compiler cannot build modules for these kernels (new compiler
# flags; Debian's objtool needs a newer glibc), so every module build runs
# inside one of these chroots.
#
# Cached under ${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}
# /chroots/SUITE-HASH, HASH being that of this script: editing the script
# makes a new chroot. Built in a temporary directory, renamed on success.
# Progress goes to stderr; only the path goes to stdout. Needs root.

set -eu

suite=${1:-}
case $suite in
trixie | sid) ;;
*)
	echo "usage: $0 trixie|sid" >&2
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
mounted=

cleanup() {
	if [ -n "$mounted" ]; then
		umount "$tmp/proc" || umount -l "$tmp/proc" || true
	fi
	# Never rm -rf through a mount point left behind.
	if grep -q " $tmp/" /proc/mounts; then
		echo "chroot.sh: mounts left under $tmp, not removing it" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

say "debootstrap --variant=minbase into $tmp"
debootstrap --variant=minbase "$suite" "$tmp" >&2

if [ "$suite" = sid ]; then
	# sid's Release file is sometimes past its Valid-Until date.
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$tmp/etc/apt/apt.conf.d/90vfio-mdev-pci-valid-until"
fi

mount -t proc proc "$tmp/proc"
mounted=1

in_root() {
	chroot "$tmp" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

say "apt-get update"
in_root apt-get update >&2

set -- linux-headers-amd64 gcc make
if in_root apt-cache show sparse >/dev/null 2>&1; then
	set -- "$@" sparse
fi
if [ "$suite" = trixie ]; then
	set -- "$@" perl linux-source-6.12 xz-utils
fi

say "apt-get install $*"
in_root apt-get install -y --no-install-recommends "$@" >&2

if [ "$suite" = trixie ]; then
	say "extracting checkpatch.pl from linux-source-6.12"
	tarball=$(cd "$tmp" && ls usr/src/linux-source-6.12.tar.xz)
	in_root sh -c "mkdir -p /opt/checkpatch && cd /opt/checkpatch &&
		tar -xJf /$tarball --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'" >&2
	in_root apt-get purge -y linux-source-6.12 >&2
fi
in_root apt-get clean >&2

umount "$tmp/proc"
mounted=

mv -T "$tmp" "$root"
trap - EXIT
say "ready"
echo "$root"
