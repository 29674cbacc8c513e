#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# module-build.sh KERNEL KERNEL_SRC - TAP: build vfio_mdev_pci.ko with W=1
# and -Werror against KERNEL's headers (trixie, sid: Debian's kernel of that
# suite; debug: the VM suites' debug kernel), in the root that the VM
# suites build it in (tests/vm/lib/kernel.sh), then run sparse (C=1) over
# it.

set -uo pipefail
. "$(dirname "$0")/../vm/lib/common.sh"
. "$VM_DIR/lib/kernel.sh"

kernel=$1 ksrc=$2
kernel_resolve_tap "$kernel"

n=0
tap() {	# tap ok|not-ok DESCRIPTION [LOG]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3"
	fi
}

scratch=$(mktemp -d "$K_ROOT/tmp/vmp-build-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp "$ksrc"/{Kbuild,Makefile,conftest.sh,*.c,*.h} "$scratch/"
rm -f "$scratch/conftest.h"
work=/tmp/${scratch##*/}
log=$scratch/build.log
nr_sources=$(ls "$scratch"/*.c | wc -l)
krel=$K_RELEASE

# A warning fails the test even where -Werror does not reach (modpost,
# objtool).
if in_root "$K_ROOT" make -C "$work" KDIR="$K_KDIR" W=1 KCFLAGS=-Werror \
	>"$log" 2>&1 && ! grep -qi 'warning' "$log"; then
	tap ok "$krel: W=1 -Werror build"
else
	tap not-ok "$krel: W=1 -Werror build" "$log"
fi

# KBUILD_CHECKSRC=1 overrides the kernel Makefile's check with
# scripts/checker-valid.sh, which Debian's 7.2 headers lack.
in_root "$K_ROOT" make -C "$work" KDIR="$K_KDIR" clean >/dev/null 2>&1
rc=0
in_root "$K_ROOT" make -C "$work" KDIR="$K_KDIR" C=1 KBUILD_CHECKSRC=1 W=1 \
	>"$log" 2>&1 || rc=$?
nr_checked=$(grep -c '^  CHECK ' "$log")
# Only our files: sparse also reports on the kernel's headers.
ours="^(${work}/)?[^/ ]+\.[ch]:[0-9]+:[0-9]+: "
if [ "$rc" = 0 ] && [ "$nr_checked" = "$nr_sources" ] &&
	! grep -Eq "$ours" "$log"; then
	tap ok "$krel: sparse (C=1)"
else
	tap not-ok "$krel: sparse (C=1), $nr_checked of $nr_sources files checked" "$log"
fi
echo "1..$n"
