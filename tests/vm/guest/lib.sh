# shellcheck shell=sh
# TAP and device helpers for guest scenarios.  A scenario's test count
# survives reboots: it lives in /var/lib/vmtest/NAME/.
VMTEST_SRC=/mnt/src
VMTEST_OUT=/mnt/out
VFIO_CLIENT=/usr/libexec/installed-tests/vfio-mdev-pci/vfio-client
# Settings given to the host's run.sh with --env arrive exported by
# guest/run.sh, which runs every scenario.
T_NAME=$(basename "$0" .sh)
T_STATE=/var/lib/vmtest/$T_NAME
mkdir -p "$T_STATE"
t_n=$(cat "$T_STATE/count" 2>/dev/null || echo 0)

diag() { echo "# $*"; }
mark() { echo "VMTEST: $T_NAME: $*" >/dev/kmsg; }
_t_result() {
	t_n=$((t_n + 1))
	echo "$t_n" >"$T_STATE/count"
	echo "$1 $t_n - $2"
}
ok() { _t_result ok "$*"; }
not_ok() { _t_result "not ok" "$*"; : >"$T_STATE/failed"; }
_t_show() { sed 's/^/#   /' "$T_STATE/out"; }

# check DESC CMD...: CMD must succeed; its output is shown on failure.
check() {
	_d=$1
	shift
	if "$@" >"$T_STATE/out" 2>&1; then ok "$_d"; else not_ok "$_d"; _t_show; fi
}
# check_fails DESC PATTERN CMD...: CMD must fail and print PATTERN (an
# extended regex; empty matches anything).
check_fails() {
	_d=$1 _p=$2
	shift 2
	if "$@" >"$T_STATE/out" 2>&1; then
		not_ok "$_d (it succeeded)"
		_t_show
	elif [ -n "$_p" ] && ! grep -Eq "$_p" "$T_STATE/out"; then
		not_ok "$_d (no message matching '$_p')"
		_t_show
	else
		ok "$_d"
		diag "$(head -c 300 "$T_STATE/out" | tr '\n' ' ')"
	fi
}
# check_tap DESC CMD...: CMD prints TAP; each of its results becomes one
# of ours, and it must exit 0 having run at least one test.
check_tap() {
	_d=$1
	shift
	_rc=0
	"$@" >"$T_STATE/tap" 2>&1 || _rc=$?
	_seen=0
	while IFS= read -r _l; do
		case $_l in
		"ok "*) _seen=$((_seen + 1)); ok "$_d: $(echo "$_l" | sed -E 's/^ok [0-9]+ (- )?//')" ;;
		"not ok "*) _seen=$((_seen + 1)); not_ok "$_d: $(echo "$_l" | sed -E 's/^not ok [0-9]+ (- )?//')" ;;
		"#"*) echo "$_l" ;;
		esac
	done <"$T_STATE/tap"
	if [ "$_rc" != 0 ] || [ "$_seen" = 0 ]; then
		not_ok "$_d: exit status $_rc after $_seen tests"
		sed 's/^/#   /' "$T_STATE/tap" | tail -n 30
	fi
}
done_testing() {
	echo "1..$t_n"
	[ ! -e "$T_STATE/failed" ]
	exit $?
}
# reboot_then PHASE: end this boot's part of the scenario; after the
# reboot the scenario runs again and phase() returns PHASE.
reboot_then() { echo "$1" >"$T_STATE/phase"; exit 100; }
phase() { cat "$T_STATE/phase" 2>/dev/null || echo start; }

# wait_for SECONDS CMD...: poll CMD until it succeeds.
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# qmp JSON: run one QMP command on the L0 QEMU (through the host harness).
qmp() {
	_id=$(cat /proc/sys/kernel/random/uuid)
	printf '%s\n' "$1" >"$VMTEST_OUT/qmp/req-$_id.json.tmp"
	mv "$VMTEST_OUT/qmp/req-$_id.json.tmp" "$VMTEST_OUT/qmp/req-$_id.json"
	_end=$(($(date +%s) + 30))
	while [ ! -e "$VMTEST_OUT/qmp/resp-$_id.json" ]; do
		[ "$(date +%s)" -lt "$_end" ] || { echo "qmp: no answer" >&2; return 1; }
		sleep 0.2
	done
	cat "$VMTEST_OUT/qmp/resp-$_id.json"
	rm -f "$VMTEST_OUT/qmp/resp-$_id.json"
}

# pci_find VENDOR:DEVICE: the functions with that id, one BDF a line.
pci_find() {
	for _dev in /sys/bus/pci/devices/*; do
		[ "$(cat "$_dev/vendor"):$(cat "$_dev/device")" = "0x${1%%:*}:0x${1#*:}" ] &&
			basename "$_dev"
	done
	return 0
}
pci_group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
pci_driver() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}
# pci_bind BDF DRIVER: driverctl's sequence, then verify.
pci_bind() {
	[ "$(pci_driver "$1")" = "$2" ] && return 0
	echo "$2" >"/sys/bus/pci/devices/$1/driver_override" || return 1
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind" || return 1
	fi
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(pci_driver "$1")" = "$2" ]
}
# pci_unbind BDF: back to no override and the default driver (if any).
pci_unbind() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind" || return 1
	fi
	echo >"/sys/bus/pci/devices/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	return 0
}

# The mdev side of our module.
MDEV_TYPE=vfio-mdev-pci-type1
new_uuid() { cat /proc/sys/kernel/random/uuid; }
mdev_type_dir() { echo "/sys/bus/pci/devices/$1/mdev_supported_types/$MDEV_TYPE"; }
mdev_attr() { cat "$(mdev_type_dir "$1")/$2"; }
# The mdev core frees a removed mdev's UUID and its parent's instance only
# when the device is released, which DEBUG_KOBJECT_RELEASE (the debug
# kernel) delays by 1-4 s: there, creates retry for up to release_wait s.
release_wait=0
grep -qx CONFIG_DEBUG_KOBJECT_RELEASE=y "/boot/config-$(uname -r)" 2>/dev/null &&
	release_wait=10
# The write goes through busybox's shell, which names the errno of a
# failed write ("write error: File exists"): dash reports every one as
# "I/O error", and the scenarios' expected failures name the errno.
# mdev_create BDF UUID: through the legacy type; mdev_create_in TYPEDIR
# UUID: through the type at TYPEDIR.
mdev_create() { mdev_create_in "$(mdev_type_dir "$1")" "$2"; }
mdev_create_in() {
	_end=$(($(date +%s) + release_wait))
	until busybox sh -c 'echo "$1" >"$2"' mdev_create "$2" "$1/create"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.5
	done
}
mdev_remove() { echo 1 >"/sys/bus/mdev/devices/$1/remove"; }
mdev_exists() { test -e "/sys/bus/mdev/devices/$1"; }
# settle: wait for udev's queue where there is a udev (the kernel tier's
# initramfs has none: there the kernel probes drivers synchronously).
settle() {
	if command -v udevadm >/dev/null; then udevadm settle -t 60; fi
}
# wrap BDF: bind BDF to vfio-mdev-pci (loading the module first).
wrap() { settle; modprobe vfio_mdev_pci && pci_bind "$1" vfio-mdev-pci; }
driver_is() { [ "$(pci_driver "$1")" = "$2" ]; }
# wrap_create BDF UUID: wrap BDF and create its mdev.
wrap_create() { wrap "$1" && mdev_create "$1" "$2"; }

# The installed tool.
VMP=/usr/bin/vfio-mdev-pci
# mono_of PATTERN: the time since boot (s) of the first journal line of
# this boot matching PATTERN.  Kernel lines come from this boot's saved
# kernel log (guest/run.sh clears the ring buffer), which uses the same
# clock.
mono_of() {
	{
		cat "$VMTEST_OUT/results/boot-$(cat /var/lib/vmtest/boots).dmesg"
		journalctl -b -o short-monotonic --no-pager
	} 2>/dev/null | grep -m1 -E "$1" | sed -E 's/^\[ *([0-9.]+)\].*/\1/'
}

# kmemleak_check: on a kernel with kmemleak, one result: no suspected
# leak since boot.  Everything freed by now has been freed (delayed
# kobject releases take up to 4 s, objects younger than 5 s are never
# reported): wait, scan twice, and list what is left.
kmemleak_check() {
	_leaks=/sys/kernel/debug/kmemleak
	grep -q " /sys/kernel/debug " /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	if [ ! -e "$_leaks" ]; then
		diag "kmemleak: not in this kernel ($(uname -r)), no scan"
		return 0
	fi
	sleep 10
	echo scan >"$_leaks"
	sleep 6
	echo scan >"$_leaks"
	cat "$_leaks" >"$T_STATE/leaks"
	_n=$(grep -c '^unreferenced object' "$T_STATE/leaks" || true)
	diag "kmemleak: $_n suspected leak(s) since boot"
	if [ "$_n" = 0 ]; then
		ok "kmemleak finds no leak"
	else
		not_ok "kmemleak finds no leak"
		head -n 200 "$T_STATE/leaks" | sed 's/^/#   /'
	fi
}

# module_signed_by MODULE CERT: the file modprobe loads for MODULE carries
# a signature that verifies with CERT (DER), checked as the kernel checks
# it: the PKCS#7 blob before the 12-byte signature info and the magic
# trailer, over every byte before the blob.  Says what it found.
module_signed_by() {
	_ms=$(mktemp -d)
	_mf=$(modinfo -n "$1") || return 1
	case $_mf in
	*.xz) xz -dc "$_mf" >"$_ms/ko" ;;
	*.zst) zstd -dcq "$_mf" >"$_ms/ko" ;;
	*.gz) gzip -dc "$_mf" >"$_ms/ko" ;;
	*) cp "$_mf" "$_ms/ko" ;;
	esac
	# (the trailer's newline goes with the command substitution)
	if [ "$(tail -c 28 "$_ms/ko")" != "~Module signature appended~" ]; then
		echo "$_mf: not signed"
		rm -rf "$_ms"
		return 1
	fi
	# struct module_signature ends with the blob's length, big-endian.
	_ml=$(tail -c 32 "$_ms/ko" | head -c 4 | od -An -tu1 |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	head -c $(($(stat -c %s "$_ms/ko") - 40 - _ml)) "$_ms/ko" >"$_ms/body"
	tail -c $((_ml + 40)) "$_ms/ko" | head -c "$_ml" >"$_ms/sig"
	echo "$_mf: signer $(modinfo -F signer "$1"), $_ml-byte signature"
	openssl x509 -inform DER -in "$2" -noout -subject
	openssl x509 -inform DER -in "$2" -out "$_ms/cert.pem"
	openssl cms -verify -binary -inform DER -in "$_ms/sig" \
		-content "$_ms/body" -certfile "$_ms/cert.pem" \
		-CAfile "$_ms/cert.pem" -purpose any -out /dev/null
	_mr=$?
	rm -rf "$_ms"
	return $_mr
}
