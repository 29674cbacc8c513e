#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# debs-build.sh SUITE - TAP: the Debian packages build from a clean export
# of the tree with dpkg-buildpackage in SUITE's package chroot
# (tests/vm/lib/debs.sh), lintian reports no error or warning, and each
# package holds what it must.

set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../vm/lib/common.sh"
. "$VM_DIR/lib/kernel.sh"
. "$VM_DIR/lib/debs.sh"

suite=$1
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (chroot, mmdebstrap)"
	exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tree_export "$out/src"
mkdir "$out/debs"
if ! (debs_build "$suite" "$out/src" "$out/debs") 2>"$out/errors"; then
	tap_not_ok "packages build for $suite"
	tap_diag "$out/errors"
	tap_plan
	exit 0
fi
tap_ok "packages build for $suite"

# The package build turns -Werror off (debian/rules), so that a new
# compiler's new warning does not fail a distribution's build: here one
# does, on this suite's compiler and libraries.
if grep -E '\.[ch]:[0-9]+:[0-9]+: warning:' "$out/debs/debs-build.log" >"$out/bad"; then
	tap_not_ok "the tool and client compile without warnings"
	tap_diag "$out/bad"
else
	tap_ok "the tool and client compile without warnings"
fi

# Errors and warnings fail; the rest is shown.
if grep -E '^[EW]: ' "$out/debs/lintian.log" >"$out/bad"; then
	tap_not_ok "lintian: no error or warning"
	tap_diag "$out/bad"
else
	tap_ok "lintian: no error or warning"
fi
sed 's/^/# lintian: /' "$out/debs/lintian.log"

# has PACKAGE PATH...: the package holds each PATH.
has() {
	local deb pkg=$1 path missing=
	shift
	deb=$(find "$out/debs" -name "${pkg}_*.deb" | head -n 1)
	[ -n "$deb" ] || { tap_not_ok "$pkg: built"; return; }
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$out/list"
	for path; do
		grep -qxE "$path" "$out/list" || missing="$missing $path"
	done
	if [ -z "$missing" ]; then
		tap_ok "$pkg holds $*"
	else
		tap_not_ok "$pkg holds $*"
		echo "# missing:$missing"
	fi
}
has vfio-mdev-pci /usr/bin/vfio-mdev-pci \
	/usr/lib/udev/rules.d/90-vfio-mdev-pci.rules \
	'/usr/lib/systemd/system/vfio-mdev-pci-bind@.service' \
	/usr/lib/mdevctl/scripts.d/callouts/vfio-mdev-pci \
	/etc/libvirt/hooks/qemu.d/vfio-mdev-pci \
	/usr/libexec/vfio-mdev-pci/libvirt-qemu-hook \
	/usr/share/vfio-mdev-pci/schemas/hostdev.rng \
	/usr/share/man/man8/vfio-mdev-pci.8.gz
has vfio-mdev-pci-dkms '/usr/src/vfio-mdev-pci-[0-9.]+/dkms.conf' \
	'/usr/src/vfio-mdev-pci-[0-9.]+/main.c'
has vfio-mdev-pci-tests /usr/libexec/installed-tests/vfio-mdev-pci/vfio-client
tap_plan
