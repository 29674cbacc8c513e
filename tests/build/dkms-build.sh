#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms-build.sh KERNEL KERNEL_SRC VERSION - TAP: `dkms add` and
# `dkms build` of the module with its dkms.conf, as a user's machine runs
# them, against KERNEL's headers in the VM suites' build root
# (tests/vm/lib/kernel.sh), in scratch DKMS and source trees.  The VM
# suites install the module built on the host instead, so this is where
# dkms.conf is proven.

set -uo pipefail
. "$(dirname "$0")/../vm/lib/common.sh"
. "$VM_DIR/lib/kernel.sh"

kernel=$1 ksrc=$2 version=$3
kernel_resolve_tap "$kernel"

scratch=$(mktemp -d "$K_ROOT/tmp/vmp-dkms-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
s=/tmp/${scratch##*/}
pkg=$scratch/source/vfio-mdev-pci-$version
mkdir -p "$pkg" "$scratch/tree"
cp "$ksrc"/{Kbuild,Makefile,conftest.sh,*.c,*.h} "$pkg/"
rm -f "$pkg/conftest.h"
sed "s/@VERSION@/$version/" "$ksrc/dkms.conf.in" >"$pkg/dkms.conf"
opts=(-m vfio-mdev-pci -v "$version" --sourcetree "$s/source" --dkmstree "$s/tree")

n=0
step() {	# step DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if in_root "$K_ROOT" "$@" >"$scratch/log" 2>&1; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		sed 's/^/# /' "$scratch/log"
	fi
}
step "dkms add of vfio-mdev-pci $version" dkms add "${opts[@]}"
step "dkms build for $K_RELEASE" dkms build "${opts[@]}" -k "$K_RELEASE"
n=$((n + 1))
if ls "$scratch/tree/vfio-mdev-pci/$version/$K_RELEASE"/*/module/vfio_mdev_pci.ko* >/dev/null 2>&1; then
	echo "ok $n - DKMS holds the built module"
else
	echo "not ok $n - DKMS holds the built module"
	find "$scratch/tree" | sed 's/^/# /'
fi
echo "1..$n"
