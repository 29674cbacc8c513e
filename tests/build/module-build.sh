#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# module-build.sh KERNEL - TAP: vfio_mdev_pci.ko builds with W=1 and
# -Werror, without a warning, and sparse-clean against KERNEL's headers
# (trixie, sid: Debian's kernel of that suite; debug: the VM suites'
# debug kernel).  It checks the one build the VM suites load
# (kernel_module in tests/vm/lib/kernel.sh, flags KERNEL_MODULE_FLAGS),
# made once per sources and headers: where a guest built it first, this
# reads its log.

set -uo pipefail
. "$(dirname "$0")/../vm/lib/common.sh"
. "$VM_DIR/lib/kernel.sh"

kernel=$1
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

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
krel=$K_RELEASE
echo "# $krel: make $KERNEL_MODULE_FLAGS"
if ! (kernel_module "$out") 2>"$out/errors"; then
	tap not-ok "$krel: W=1 -Werror build" "$out/errors"
	tap not-ok "$krel: sparse (C=1): no build to check"
	echo "1..$n"
	exit 0
fi

# A warning fails the test even where -Werror does not reach (modpost,
# objtool).  A FILE:LINE:COL diagnostic in a build that passed -Werror is
# sparse's: on our files the next check fails it, on the kernel's
# headers it is not ours to fix.
log=$out/module-build.log
diag='^[^ :]+\.[ch]:[0-9]+:[0-9]+: '
other=$(grep -i 'warning' "$log" | grep -Ev "$diag" || true)
if [ -z "$other" ]; then
	tap ok "$krel: W=1 -Werror build"
else
	tap not-ok "$krel: W=1 -Werror build" "$log"
fi

# Every source file checked, and nothing reported on ours (sparse also
# reports on the kernel's headers).
nr_sources=$(wc -l <"$out/module-sources")
nr_checked=$(grep -c '^  CHECK ' "$log")
ours="^(/tmp/vmp-module\.[^/]+/)?[^/ ]+\.[ch]:[0-9]+:[0-9]+: "
if [ "$nr_checked" = "$nr_sources" ] && ! grep -Eq "$ours" "$log"; then
	tap ok "$krel: sparse (C=1), $nr_checked files"
else
	tap not-ok "$krel: sparse (C=1), $nr_checked of $nr_sources files checked" "$log"
fi
echo "1..$n"
