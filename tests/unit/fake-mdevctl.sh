#!/bin/sh
# Stand-in for mdevctl in the unit tests: logs its arguments and changes
# the fake sysfs as mdevctl would ("start" creates the mdev, "stop" removes
# it). FAKE_MDEVCTL_FAIL=1 makes "start" fail.
set -eu
root=${VFIO_MDEV_PCI_TEST_ROOT:?}
echo "$*" >>"$root/mdevctl.log"
cmd=$1
shift
uuid=
while [ $# -gt 0 ]; do
	case $1 in
	-u) uuid=$2; shift ;;
	esac
	shift
done
case $cmd in
start)
	if [ -n "${FAKE_MDEVCTL_FAIL:-}" ]; then
		echo "fake mdevctl: start of $uuid failed" >&2
		exit 1
	fi
	mkdir -p "$root/sys/bus/mdev/devices/$uuid"
	;;
stop)
	rmdir "$root/sys/bus/mdev/devices/$uuid"
	# The parent's list of its mdevs, where the fake kernel made one.
	for dir in "$root"/sys/devices/*/*/mdev_supported_types/*/devices/"$uuid"; do
		[ ! -d "$dir" ] || rmdir "$dir"
	done
	;;
esac
