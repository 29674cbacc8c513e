#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# module-build.sh SUITE KERNEL_SRC - TAP: build vfio_mdev_pci.ko with W=1
# and -Werror against every kernel headers package of Debian SUITE (in a
# chroot from chroot.sh), then run sparse (C=1) over it.

set -u
. "$(dirname "$0")/common.sh"

chroot_enter "$1" "$2"
log=$scratch/build.log
set -- "$scratch"/*.c
nr_sources=$#

for kdir in "$root"/usr/src/linux-headers-*-amd64; do
	kdir=/usr/src/${kdir##*/}
	krel=${kdir#/usr/src/linux-headers-}

	# A warning fails the test even where -Werror does not reach
	# (modpost, objtool).
	if in_chroot make -C "$work" KDIR="$kdir" W=1 KCFLAGS=-Werror \
		>"$log" 2>&1 && ! grep -qi 'warning' "$log"; then
		tap_ok "$krel: W=1 -Werror build"
	else
		tap_not_ok "$krel: W=1 -Werror build"
		tap_diag "$log"
	fi

	if ! in_chroot sh -c 'command -v sparse' >/dev/null; then
		tap_skip "$krel: sparse" "sparse is not installed"
		continue
	fi
	# KBUILD_CHECKSRC=1 overrides the kernel Makefile's check with
	# scripts/checker-valid.sh, which Debian's 7.2 headers lack.
	in_chroot make -C "$work" KDIR="$kdir" clean >/dev/null 2>&1
	in_chroot make -C "$work" KDIR="$kdir" C=1 KBUILD_CHECKSRC=1 W=1 \
		>"$log" 2>&1
	rc=$?
	nr_checked=$(grep -c '^  CHECK ' "$log")
	# Only our files: sparse also reports on the kernel's headers.
	ours="^(${work}/)?[^/ ]+\.[ch]:[0-9]+:[0-9]+: "
	if [ "$rc" = 0 ] && [ "$nr_checked" = "$nr_sources" ] &&
		! grep -Eq "$ours" "$log"; then
		tap_ok "$krel: sparse (C=1)"
	else
		tap_not_ok "$krel: sparse (C=1), $nr_checked of $nr_sources files checked"
		tap_diag "$log"
	fi
	in_chroot make -C "$work" KDIR="$kdir" clean >/dev/null 2>&1
done

tap_plan
