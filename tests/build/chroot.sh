#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# chroot.sh trixie - create once, and print the path of, a Debian 13 chroot
# with perl and checkpatch.pl (with its spelling.txt and
# const_structs.checkpatch) taken from linux-source-6.12, for checkpatch.sh.
# (The module itself is built in the VM suites' build roots:
# tests/vm/lib/kernel.sh.)
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

mount -t proc proc "$tmp/proc"
mounted=1

in_root() {
	chroot "$tmp" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

say "apt-get update"
in_root apt-get update >&2

set -- perl linux-source-6.12 xz-utils

say "apt-get install $*"
in_root apt-get install -y --no-install-recommends "$@" >&2

say "extracting checkpatch.pl from linux-source-6.12"
tarball=$(cd "$tmp" && ls usr/src/linux-source-6.12.tar.xz)
in_root sh -c "mkdir -p /opt/checkpatch && cd /opt/checkpatch &&
	tar -xJf /$tarball --strip-components=2 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'" >&2
in_root apt-get purge -y linux-source-6.12 >&2
in_root apt-get clean >&2

umount "$tmp/proc"
mounted=

mv -T "$tmp" "$root"
trap - EXIT
say "ready"
echo "$root"
