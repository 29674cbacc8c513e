#!/bin/bash
# Boot a guest with a virtual Intel IOMMU and emulated PCI devices, install
# the project in it the way a user would, run the named scenarios there and
# print one TAP stream for all of them on stdout (progress goes to stderr).
#
#   run.sh --suite trixie|sid|trixie-debug [--out DIR] [--timeout SEC]
#          [--env NAME=VALUE]... SCENARIO...
#
# Scenarios are tests/vm/scenarios/NAME.sh; see tests/vm/README.md.
# --env settings reach every scenario's environment (through OUT/env).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VM_DIR/lib/accel.sh"
. "$VM_DIR/lib/tap.sh"

suite=trixie
out=
timeout=2400
guest_env=()
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--env)
		[[ $2 =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_.,:/-]*$ ]] || die "bad --env '$2'"
		guest_env+=("$2"); shift 2 ;;
	-*) die "unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "no scenario given"
for s in "$@"; do
	[ -f "$VM_DIR/scenarios/$s.sh" ] || die "no scenario '$s'"
done

image=$("$VM_DIR/image.sh" "$suite")
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-$suite.XXXXXX")
rm -rf "$out"
mkdir -p "$out/results" "$out/qmp"
printf '%s\n' "$@" >"$out/plan"
: >"$out/env"
[ ${#guest_env[@]} = 0 ] || printf '%s\n' "${guest_env[@]}" >"$out/env"

# The guest sees a clean export of the tree (tracked and untracked files
# that git does not ignore), never our build directories.
src=$out/src
mkdir -p "$src"
if git -C "$SRC_ROOT" rev-parse >/dev/null 2>&1; then
	git -C "$SRC_ROOT" ls-files -co --exclude-standard -z |
		(cd "$SRC_ROOT" && tar --null -T - -cf -) | tar -xf - -C "$src"
else
	(cd "$SRC_ROOT" && tar --exclude=./build -cf - .) | tar -xf - -C "$src"
fi

# A copy-on-write overlay keeps the cached image pristine and survives
# guest reboots (QEMU runs with -no-reboot and is started again).
qemu-img create -q -f qcow2 -F raw -b "$image/rootfs.img" "$out/disk.qcow2"

accel=$(pick_accel "$suite" "$image/vmlinuz")
kernel_note=
# An image with a second kernel (trixie-debug): the project is installed
# under that one at boot 1, the scenarios run under the image's kernel.
if [ -e "$image/install-vmlinuz" ]; then
	cat "$image/kernel-release" >"$out/scenario-kernel"
	kernel_note=" (installed under $(cat "$image/install-kernel-release"))"
fi
say "guest: Debian $suite, kernel $(cat "$image/kernel-release")$kernel_note, accelerator: $accel"
echo "# guest: Debian $suite, kernel $(cat "$image/kernel-release")$kernel_note, accelerator: $accel"
case $accel in
kvm) accel_args=(-accel kvm -cpu host) ;;
*) accel_args=(-accel "$accel" -cpu max) ;;
esac

# The debug kernel: report every KASAN error, not only the first (a
# report before our module loads must not hide one after it); keep all
# of a scenario's kernel log (DEBUG_KOBJECT_RELEASE logs every kobject
# release); and use 4-level paging: with -cpu max the guest has LA57, and
# inline KASAN under 5-level paging gives a false "wild-memory-access"
# report in handle_edge_irq early in some boots (an interrupt during
# identify_cpu), which also switches lockdep off for the whole boot.
# no_timer_check: that slow a kernel under TCG on a loaded host can miss
# the IO-APIC timer test and panic ("timer doesn't work through
# Interrupt-remapped IO-APIC"); 1 of 3 boots did here.  It also needs
# 7-8 minutes to reach multi-user.target, and systemd's 90 s start
# timeout killed journald on the way.
cmdline_extra=
case $suite in
*-debug) cmdline_extra=" kasan_multi_shot log_buf_len=16M no5lvl no_timer_check systemd.default_timeout_start_sec=900" ;;
esac

cmdline="root=/dev/vda rw console=ttyS0 intel_iommu=on panic=-1 vmtest=1 systemd.mask=serial-getty@ttyS0.service systemd.show_status=0 loglevel=5 printk.devkmsg=on"
qmp_sock=$out/qmp.sock
qemu_args=(
	-M q35,kernel-irqchip=split -nodefaults -no-user-config
	"${accel_args[@]}" -smp 2 -m 4096
	-display none -no-reboot
	# The IOMMU must come before the devices it translates for.
	-device intel-iommu,intremap=on,caching-mode=on
	-drive "file=$out/disk.qcow2,if=none,id=disk,format=qcow2,cache=unsafe"
	-device virtio-blk-pci,drive=disk
	-virtfs "local,path=$src,mount_tag=src,security_model=none,readonly=on"
	-virtfs "local,path=$out,mount_tag=out,security_model=none"
	# Two edu devices (DMA engine + MSI), each behind its own hot-plug
	# capable root port so that either can be unplugged through QMP.
	-device pcie-root-port,id=rp-edu0,bus=pcie.0,chassis=1,slot=1
	-device edu,id=edu0,bus=rp-edu0
	-device pcie-root-port,id=rp-edu1,bus=pcie.0,chassis=2,slot=2
	-device edu,id=edu1,bus=rp-edu1
	# An e1000 pair behind a PCIe-to-PCI bridge: one IOMMU group.
	-device pcie-pci-bridge,id=pcibr,bus=pcie.0
	-device e1000,id=nic0,bus=pcibr,addr=1
	-device e1000,id=nic1,bus=pcibr,addr=2
	# An SR-IOV capable NIC: each VF gets a group of its own.
	-device pcie-root-port,id=rp-igb,bus=pcie.0,chassis=3,slot=3
	-device igb,id=igb0,bus=rp-igb
	-qmp "unix:$qmp_sock,server=on,wait=off"
	# Appended, so that the log of a boot survives the next one.
	-chardev "file,id=console,path=$out/console.log,append=on"
	-serial chardev:console
)

# Guest-initiated QMP: a scenario drops qmp/req-N.json into the shared
# output directory; we run it and write qmp/resp-N.json.
qmp_server() {
	while :; do
		for req in "$out"/qmp/req-*.json; do
			[ -e "$req" ] || continue
			local resp=${req/req-/resp-}
			{ echo '{"execute":"qmp_capabilities"}'; cat "$req"; sleep 1; } |
				socat -t 2 - "UNIX-CONNECT:$qmp_sock" >"$resp.tmp" 2>&1 || true
			mv "$resp.tmp" "$resp"
			rm -f "$req"
		done
		sleep 0.5
	done
}

# Show the guest's progress markers as they arrive.
progress() {
	# --pid: tail (and so sed) ends with us, even if we are killed;
	# an orphaned sed would hold the caller's stderr pipe open.
	tail -n +1 -F --pid=$$ "$out/console.log" 2>/dev/null |
		sed -un 's/^.*VMTEST: /    guest: /p' >&2
}

qmp_server &
qmp_pid=$!
touch "$out/console.log"
progress &
progress_pid=$!
trap 'kill $qmp_pid $progress_pid 2>/dev/null || true' EXIT

start=$SECONDS
boot_limit=900
# The debug kernel took 453 s to its runner on a loaded host.
case $suite in *-debug) boot_limit=1800 ;; esac
boot_limit=${VMTEST_BOOT_TIMEOUT:-$boot_limit}
boots=0
env_error=
while :; do
	boots=$((boots + 1))
	rm -f "$out/rebooting"
	say "booting $suite guest (boot $boots)"
	left=$((timeout - (SECONDS - start)))
	[ $left -gt 0 ] || { env_error="time limit of ${timeout}s reached"; break; }
	rc=0
	kernel=$image/ extra=$cmdline_extra
	[ $boots = 1 ] && [ -e "$image/install-vmlinuz" ] && kernel=$image/install- extra=
	timeout "$left" qemu-system-x86_64 "${qemu_args[@]}" \
		-kernel "${kernel}vmlinuz" -initrd "${kernel}initrd.img" \
		-append "$cmdline$extra" \
		>>"$out/qemu.log" 2>&1 </dev/null &
	qemu_pid=$!
	# A guest that never reaches its test runner (a hang in early boot)
	# is an environment error now, not at the end of the time limit.
	boot_start=$SECONDS
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if [ $((SECONDS - boot_start)) -ge "$boot_limit" ] &&
			! grep -q "VMTEST: boot $boots reached" "$out/console.log"; then
			kill "$qemu_pid"
			env_error="boot $boots did not reach the test runner within ${boot_limit}s"
			break
		fi
		sleep 2
	done
	wait "$qemu_pid" || rc=$?
	[ -z "$env_error" ] || break
	if [ -e "$out/rebooting" ]; then
		[ $boots -lt 10 ] || { env_error="more than 10 boots"; break; }
		continue
	fi
	[ -e "$out/done" ] && break
	if [ $rc -eq 124 ]; then
		env_error="time limit of ${timeout}s reached"
	else
		env_error="QEMU exited (rc $rc) before the guest finished"
	fi
	break
done
say "guest finished after $((SECONDS - start)) s, $boots boot(s)"

tap_report "$out" "$env_error" "$@"
