# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the build tests: TAP output, and a scratch copy of the module
# sources inside a chroot from chroot.sh, with /proc mounted (objtool reads
# it) and everything undone on exit.

tap_n=0
tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}
tap_not_ok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $*"
}
tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}
tap_diag() {
	sed 's/^/# /' "$@"
}
tap_plan() {
	echo "1..$tap_n"
}

# chroot_enter SUITE KERNEL_SRC: sets $root and $work (path inside the
# chroot) to a copy of the module sources.
chroot_enter() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (chroot, mmdebstrap)"
		exit 0
	fi
	for tool in mmdebstrap flock; do
		if ! command -v "$tool" >/dev/null; then
			echo "1..0 # SKIP $tool is not installed"
			exit 0
		fi
	done
	if ! root=$(sh "$(dirname "$0")/chroot.sh" "$1"); then
		echo "Bail out! cannot create the $1 chroot"
		exit 1
	fi
	scratch=$(mktemp -d "$root/tmp/vfio-mdev-pci.XXXXXX")
	mounted=
	trap chroot_leave EXIT
	trap 'exit 1' HUP INT TERM
	mount -t proc proc "$root/proc"
	mounted=1
	for f in "$2"/*.c "$2"/*.h "$2"/Kbuild "$2"/Makefile "$2"/conftest.sh; do
		case ${f##*/} in
		conftest.h) ;;
		*) cp "$f" "$scratch/" ;;
		esac
	done
	# shellcheck disable=SC2034 # for the scripts sourcing this one
	work=/tmp/${scratch##*/}
}

chroot_leave() {
	if [ -n "$mounted" ]; then
		umount "$root/proc" || umount -l "$root/proc"
	fi
	rm -rf "$scratch"
}

in_chroot() {
	chroot "$root" env LC_ALL=C.UTF-8 "$@"
}
