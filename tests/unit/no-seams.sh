#!/bin/sh
# no-seams.sh TOOL TEST_TOOL - TAP: the installed tool carries none of the
# tests' seams (src/seams.h), so no environment variable can point it at
# another root or another program; the tests' build carries all four (the
# check can see them where they are).
set -u
tool=$1 test_tool=$2

# seams_in BINARY: how many of the seams' variable names BINARY holds.
seams_in() {
	for s in ROOT MDEVCTL MODPROBE SCHEMADIR; do
		grep -c "VFIO_MDEV_PCI_TEST_$s" "$1"
	done | grep -vc '^0$'
}

echo "1..2"
found=$(seams_in "$tool")
if [ "$found" = 0 ]; then
	echo "ok 1 - $tool reads no VFIO_MDEV_PCI_TEST_* variable"
else
	echo "not ok 1 - $tool names $found of the seams' variables"
fi
found=$(seams_in "$test_tool")
if [ "$found" = 4 ]; then
	echo "ok 2 - $test_tool reads all four"
else
	echo "not ok 2 - $test_tool names $found of the four seams' variables"
fi
