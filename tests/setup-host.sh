#!/bin/sh
# Install, with apt-get, what the demo and the test suite need on a Debian 12
# host.  Idempotent and quiet when everything is already there.
#
# Debian 12's QEMU (7.2) has no igb device, so QEMU comes from
# bookworm-backports.  We never touch the system's apt sources: a private
# sources file, derived from the system's own (same mirror, another Suites:
# line), is handed to apt-get with -o Dir::Etc::SourceList.
set -eu

# Host packages: the build (meson from backports: we use meson.options),
# the unit tests (umockdev; clang and libFuzzer for the fuzz targets,
# tests/fuzz), image building (mmdebstrap), the VM harness
# (QEMU, socat; btrfs-progs for the integration guests' data disk) and
# the benchmark plots (gnuplot).
base_pkgs="gcc make pkg-config ninja-build libglib2.0-dev libudev-dev
libjson-glib-dev libxml2-dev libxml2-utils umockdev libumockdev-dev
clang libclang-rt-dev
mmdebstrap e2fsprogs btrfs-progs busybox-static cpio socat util-linux
shellcheck gnuplot-nox jq xz-utils zstd qemu-utils"
backports_pkgs="qemu-system-x86 qemu-utils meson"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# Debian 12's own QEMU and meson are too old even when installed.
backports_ok() {
	command -v qemu-system-x86_64 >/dev/null &&
		qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' &&
		meson --version 2>/dev/null |
		awk -F. '{ exit !($1 > 1 || ($1 == 1 && $2 >= 1)) }'
}

# shellcheck disable=SC2086 # word splitting of the lists is intended
need=$(missing $base_pkgs)
if [ -z "$need" ] && backports_ok; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup-host: these need root to install: $need $backports_pkgs" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "==> installing host packages (apt-get)" >&2
if [ -n "$need" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -qq -y --no-install-recommends $need >/dev/null
fi

if ! backports_ok; then
	sys=/etc/apt/sources.list.d/debian.sources
	[ -r "$sys" ] || {
		echo "setup-host: $sys not found; cannot derive backports" >&2
		exit 1
	}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# First stanza (the main archive), with the backports suite instead.
	awk 'BEGIN { RS = ""; ORS = "\n\n" } NR == 1' "$sys" |
		sed 's/^Suites:.*/Suites: bookworm-backports/' >"$tmp/backports.sources"
	# SourceList replaces only sources.list: the system's sources.list.d
	# stays in use, so backports resolves against the main archive.
	set -- -o Dir::Etc::SourceList="$tmp/backports.sources"
	apt-get "$@" update -qq
	# shellcheck disable=SC2086
	apt-get "$@" install -qq -y --no-install-recommends \
		-t bookworm-backports $backports_pkgs >/dev/null
fi
backports_ok || {
	echo "setup-host: QEMU with igb and meson >= 1.1 still missing" >&2
	exit 1
}
echo "==> host packages ready" >&2
