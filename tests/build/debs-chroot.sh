#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# debs-chroot.sh SUITE (trixie, sid) - create once, and print the path of,
# the chroot where SUITE's packages are built (tests/vm/lib/debs.sh):
# build-essential, debhelper, lintian and the build dependencies that
# debian/control names.  Kept apart from the VM suites' images, which
# are a user's system, not a build machine, and from chroot.sh's tool
# chroot, whose cache key is that script.
#
# Cached under ${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}
# /chroots/debs-SUITE-HASH, HASH being that of this script and of
# debian/control.  Built in a temporary directory, renamed on success.
# Progress goes to stderr; only the path goes to stdout. Needs root.

set -eu

suite=${1:-}
case $suite in
trixie|sid) ;;
*)
	echo "usage: $0 trixie|sid" >&2
	exit 2
	;;
esac
control=$(cd "$(dirname "$0")/../.." && pwd)/debian/control

cache=${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}
hash=$(cat "$0" "$control" | sha256sum | cut -c1-12)
root=$cache/chroots/debs-$suite-$hash

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
exec 9>"$cache/chroots/.debs-$suite.lock"
flock 9
if [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

tmp=$(mktemp -d "$cache/chroots/.debs-$suite-$hash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# sid's Release file is sometimes past its Valid-Until on mirrors that
# lag (as in tests/vm/image.sh).
set --
[ "$suite" = sid ] && set -- --aptopt='Acquire::Check-Valid-Until "false"'

# apt-get build-dep reads the dependencies from a copy of debian/control;
# mmdebstrap gives each hook the chroot as $1.
echo "debs-chroot.sh: $suite: mmdebstrap --variant=minbase into $tmp" >&2
# shellcheck disable=SC2016 # the hooks' $1, expanded by mmdebstrap
mmdebstrap --mode=root --variant=minbase "$@" \
	--include=build-essential,debhelper,lintian \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--customize-hook="mkdir -p \"\$1/tmp/src/debian\" && cp '$control' \"\$1/tmp/src/debian/\"" \
	--customize-hook='chroot "$1" apt-get build-dep -y /tmp/src/' \
	--customize-hook='rm -rf "$1/tmp/src"' \
	"$suite" "$tmp" >&2

mv -T "$tmp" "$root"
trap - EXIT
echo "debs-chroot.sh: $suite: ready" >&2
echo "$root"
