#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# cli-test.sh VFIO_CLIENT - vfio-client's argument checks and sysfs
# resolution against a fake sysfs tree; TAP on stdout.
#
# VFIO_CLIENT_DEV points at an empty directory, so no real VFIO group is
# ever opened: each run that gets past sysfs stops at the container.
set -u

client=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export VFIO_CLIENT_SYSFS="$tmp/sys" VFIO_CLIENT_DEV="$tmp/dev"
mkdir -p "$tmp/dev" "$tmp/sys/bus/pci/devices" "$tmp/sys/bus/mdev/devices"

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
}

# pci_dev BDF GROUP VENDOR DEVICE: links laid out as the kernel does;
# GROUP "" leaves out the iommu_group link.
pci_dev() {
	d=$tmp/sys/devices/pci0000:00/$1
	mkdir -p "$d"
	printf '0x%s\n' "$3" >"$d/vendor"
	printf '0x%s\n' "$4" >"$d/device"
	if [ -n "$2" ]; then
		mkdir -p "$tmp/sys/kernel/iommu_groups/$2"
		ln -s "../../../kernel/iommu_groups/$2" "$d/iommu_group"
	fi
	ln -s "../../../devices/pci0000:00/$1" "$tmp/sys/bus/pci/devices/$1"
}

# mdev UUID PARENT GROUP: an mdev below its parent, linked to GROUP.
mdev() {
	d=$tmp/sys/devices/pci0000:00/$2/$1
	mkdir -p "$d"
	ln -s "../../../../kernel/iommu_groups/$3" "$d/iommu_group"
	ln -s "../../../devices/pci0000:00/$2/$1" "$tmp/sys/bus/mdev/devices/$1"
}

uuid=4b2d1c3e-1111-4abc-8def-0123456789ab
pci_dev 0000:00:03.0 7 1234 11e8	# an edu
pci_dev 0000:00:04.0 "" 1234 11e8	# no IOMMU group
pci_dev 0000:00:05.0 12 8086 100e	# an e1000
pci_dev 0000:00:06.0 nonsense 8086 100e
uuid2=0f1e2d3c-2222-4bcd-9ef0-abcdef012345
mdev "$uuid" 0000:00:03.0 7
mdev "$uuid2" 0000:00:05.0 12

# run ARGS...: the client's exit code in $rc, its stdout and stderr in
# $tmp/out.
run() {
	rc=0
	"$client" "$@" >"$tmp/out" 2>&1 || rc=$?
}

# expect DESC RC REGEX: the last run exited RC and printed a line
# matching REGEX (grep -E).
expect() {
	if [ "$rc" = "$2" ] && grep -Eq -- "$3" "$tmp/out"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# exit $rc (expected $2), output (expected /$3/):"
		sed 's/^/#   /' "$tmp/out"
	fi
}

run --help
expect "--help lists the subcommands" 0 "group-status GROUP"
run
expect "no subcommand is a usage error" 64 "usage:"
run frobnicate
expect "an unknown subcommand is a usage error" 64 "unknown subcommand 'frobnicate'"

run open ../etc --expect-fail
expect "open ../etc --expect-fail: invalid name, even when failure is expected" \
	64 "invalid device name '\.\./etc'"

if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	strace -f -e trace=%file -o "$tmp/strace" \
		"$client" open ../etc --expect-fail >/dev/null 2>&1
	if grep -Eq "$tmp/(sys|dev)" "$tmp/strace"; then
		not_ok "an invalid name touches no path"
		grep -E "$tmp/(sys|dev)" "$tmp/strace" | sed 's/^/#   /'
	else
		ok "an invalid name touches no path (strace)"
	fi
else
	ok "an invalid name touches no path # SKIP strace is missing or cannot trace here"
fi

for name in "" 0000:00:03.0/../.. ../../../../etc/passwd 00:03.0 \
	0000:00:20.0 0000:00:03.8 "0000:00:03.0 " 0000:0g:03.0 \
	0000:00:0A.0 4B2D1C3E-1111-4ABC-8DEF-0123456789AB \
	4b2d1c3e-1111-4abc-8def-0123456789a/ \
	4b2d1c3e-1111-4abc-8def0-123456789ab 4b2d1c3e11114abc8def0123456789ab; do
	run open "$name"
	expect "malformed name '$name' is refused" 64 "invalid device name"
done

run open 0000:00:03.0
expect "a PCI address resolves to its group" 1 "^ok 1 - 0000:00:03.0: IOMMU group 7$"
expect "then the container is opened under VFIO_CLIENT_DEV" 1 \
	"^not ok 2 - container: open $tmp/dev/vfio/vfio: No such file or directory$"
run open "$uuid"
expect "an mdev UUID resolves to its group" 1 "^ok 1 - $uuid: IOMMU group 7$"
run open "$uuid" 0000:00:05.0
expect "several devices: every group is resolved first" 1 \
	"^ok 2 - 0000:00:05.0: IOMMU group 12$"
run open 0000:00:04.0
expect "a missing iommu_group link is a clear error" 1 \
	"^not ok 1 - 0000:00:04.0 has no IOMMU group: $tmp/sys/bus/pci/devices/0000:00:04.0/iommu_group is missing"
run open 0000:00:04.0 --expect-fail
expect "--expect-fail: a failing step passes and is named" 0 \
	"^ok 1 - open failed as expected: 0000:00:04.0 has no IOMMU group"
run open 0000:00:09.0
expect "an absent PCI device is named" 1 "0000:00:09.0: no such pci device: .*No such file or directory"
run open 4b2d1c3e-1111-4abc-8def-000000000000
expect "an absent mdev is named" 1 "no such mdev device"
run open 0000:00:06.0
expect "a link to something else than a group number is refused" 1 \
	"points to '.*nonsense', not an IOMMU group"

run test "$uuid" --tests config
expect "test: a device that did not open fails, it is not skipped" 1 \
	"^not ok 1 - config"
expect "test: the plan counts the selected tests" 1 "^1\.\.1$"
run test 0000:00:03.0 --tests edu-ident
expect "test: an edu that did not open fails the edu tests" 1 "^not ok 1 - edu-ident"
run test 0000:00:05.0 --tests edu-ident,edu-dma --dma-size 16
expect "test: an unknown test name is a usage error" 64 "unknown test 'edu-dma'"
run test 0000:00:05.0 --tests edu-ident,dma
expect "test: edu tests on a non-edu skip, saying why" 0 \
	"^ok 2 - dma: .* # SKIP not an edu \(1234:11e8\): 0000:00:05.0 is 8086:100e$"
run test "$uuid2" --tests edu-ident
expect "test: an mdev is judged by its parent's ids" 0 \
	"^ok 1 - edu-ident: .* # SKIP not an edu \(1234:11e8\): 0000:00:05.0 is 8086:100e$"
for size in 0 4097 1x; do
	run test 0000:00:03.0 --dma-size "$size"
	expect "test: --dma-size $size is refused" 64 "dma-size must be 1..4096"
done
run test 0000:00:03.0 --tests
expect "test: an option without its value is refused" 64 "needs a value"
run open --bogus 0000:00:03.0
expect "open: an unknown option is refused" 64 "unknown option '--bogus'"
many=
while [ "$(echo "$many" | wc -w)" -lt 16 ]; do
	many="$many 0000:00:03.0"
done
# shellcheck disable=SC2086 # split on purpose
run open $many
expect "open: 16 devices are accepted" 1 "^ok 16 - 0000:00:03.0: IOMMU group 7$"
# shellcheck disable=SC2086
run open $many 0000:00:03.0
expect "open: 17 are refused" 64 "expected 1 to 16 DEVICEs"

run group-status 7
expect "group-status: a group that does not open exits 2 with the reason" 2 \
	"^group 7: open $tmp/dev/vfio/7: No such file or directory$"
run group-status 7x
expect "group-status: a malformed group number is refused" 64 "invalid group number"
run hold 0000:00:03.0 --seconds 0
expect "hold: --seconds 0 is refused" 64 "seconds must be"
run hold 0000:00:04.0 --seconds 1
expect "hold: a device that does not open fails" 1 "^not ok 1 - 0000:00:04.0 has no IOMMU group"
run bench 0000:00:03.0 --rounds 101
expect "bench: --rounds 101 is refused" 64 "rounds must be 1..100"
run bench 0000:00:05.0
expect "bench: a non-edu device is refused" 1 "is 8086:100e, not an edu"
run fail-nth 0 /dev/null x
expect "fail-nth: N 0 is refused" 64 "N must be 1..1000000, not '0'"
run fail-nth 1 "$tmp/absent" x
expect "fail-nth: a FILE that does not open is named" 1 "$tmp/absent: No such file or directory"
run fail-nth 1 /dev/null
expect "fail-nth: VALUE is required" 64 "expected N, FILE and VALUE"

echo "1..$n"
