#!/bin/bash
# Boot a guest with a virtual Intel IOMMU and emulated PCI devices, run the
# named scenarios there and print one TAP stream for all of them on stdout
# (progress goes to stderr).  Two tiers (tests/vm/README.md):
#
#   run.sh --suite trixie|sid [--install packages|meson] [options] SCENARIO...
#       integration tier: a full Debian guest (systemd, udev, mdevctl,
#       libvirt) with the project installed as a user installs it: its
#       Debian packages, installed with apt into the image (the default),
#       or a meson build of the tree, installed in the guest (the
#       developers' way; the bench's guest);
#   run.sh --kernel trixie|sid|debug --vfio-client PROG [options] SCENARIO...
#       kernel tier: the kernel booted directly into a busybox initramfs
#       with the VFIO modules, our module and the VFIO client.
#
# Options: --out DIR, --timeout SEC (the guest's limit, all boots),
# --limits FILE (lib/budget.sh), --env NAME=VALUE (reaches every scenario
# through OUT/env).  Scenarios are tests/vm/scenarios/NAME.sh.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VM_DIR/lib/accel.sh"
. "$VM_DIR/lib/tap.sh"
. "$VM_DIR/lib/kernel.sh"
. "$VM_DIR/lib/project.sh"
. "$VM_DIR/lib/debs.sh"
. "$VM_DIR/lib/budget.sh"

suite=
install=packages
kernel=
client=
out=
timeout=
name=
guest_env=()
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift 2 ;;
	--install) install=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--vfio-client) client=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--env)
		[[ $2 =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_.,:/-]*$ ]] || die "bad --env '$2'"
		guest_env+=("$2"); shift 2 ;;
	-*) die "unknown option '$1'" ;;
	*) break ;;
	esac
done
{ [ -n "$suite" ] && [ -z "$kernel" ]; } || { [ -z "$suite" ] && [ -n "$kernel" ]; } ||
	die "give exactly one of --suite (integration tier) and --kernel (kernel tier)"
[ -z "$kernel" ] || [ -x "$client" ] || die "--kernel needs --vfio-client PROG (meson builds tests/vfio-client/vfio-client)"
[ $# -gt 0 ] || die "no scenario given"
case $install in
packages|meson) ;;
*) die "--install takes packages or meson, not '$install'" ;;
esac
# package-lifecycle removes and purges the packages: nothing can follow it.
for s in "${@:1:$#-1}"; do
	[ "$s" != package-lifecycle ] ||
		die "package-lifecycle removes the packages: it must be the last scenario"
done
case " $* " in
*" package-lifecycle "*)
	[ "$install" = packages ] || die "package-lifecycle needs --install packages" ;;
esac
for s in "$@"; do
	[ -f "$VM_DIR/scenarios/$s.sh" ] || die "no scenario '$s'"
done
# The guest's name in the time budget (budget.txt) and in messages.
[ -n "$name" ] || name=${suite:-kernel-$kernel}
steps=("$@")
[ -z "$suite" ] || steps=(install "$@")
[ -n "$timeout" ] || timeout=$(budget_guest_limit "$name" "${steps[@]}")

[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-$name.XXXXXX")
rm -rf "$out"
mkdir -p "$out/results" "$out/qmp" "$out/prebuilt"
# One line per scenario: its name and its time limit.
for s in "$@"; do
	echo "$s $(budget_limit "$name" "$s")"
done >"$out/plan"
budget_limit "$name" install >"$out/install-limit"
: >"$out/env"
[ ${#guest_env[@]} = 0 ] || printf '%s\n' "${guest_env[@]}" >"$out/env"

# The guest sees a clean export of the tree.
src=$out/src
tree_export "$src"

prep_start=$SECONDS
kernel_resolve "${suite:-$kernel}"
if [ -n "$suite" ]; then
	image=$(dirname "$K_ROOT")
	rootfs=$image/rootfs.img
	if [ "$install" = meson ]; then
		say "building the project in the $suite root"
		project_build "$src" "$out/prebuilt"
	else
		say "building the packages for $suite"
		mkdir -p "$out/prebuilt/debs"
		debs_build "$suite" "$src" "$out/prebuilt/debs"
		say "installing them into the $suite image"
		rootfs=$(debs_image "$image" "$out/prebuilt/debs")/rootfs.img
		# The newer packages that package-lifecycle upgrades to.
		case " $* " in
		*" package-lifecycle "*)
			say "building them one version higher, to upgrade to"
			mkdir -p "$out/prebuilt/debs-next"
			debs_build "$suite" "$src" "$out/prebuilt/debs-next" \
				"$(sed -n "s/^  version : '\([^']*\)',/\1/p" "$src/meson.build").1"
			;;
		esac
	fi
	echo "$install" >"$out/install"
	# A copy-on-write overlay keeps the cached image pristine and
	# survives guest reboots (QEMU runs with -no-reboot and is started
	# again).
	qemu-img create -q -f qcow2 -F raw -b "$rootfs" "$out/disk.qcow2"
	boot_files=(-kernel "$K_VMLINUZ" -initrd "$image/initrd.img")
	cmdline="root=/dev/vda rw vmtest=1 systemd.mask=serial-getty@ttyS0.service systemd.show_status=0"
	# A second disk, on NVMe, with a btrfs filesystem: btrfs shows an
	# anonymous 0:N device in mountinfo, which the in-use check must see
	# through (persist mounts it and asks to take the controller).
	truncate -s 128M "$out/data.img"
	mkfs.btrfs -q -L vmtest-data "$out/data.img" >/dev/null ||
		die "mkfs.btrfs failed on $out/data.img"
	# shellcheck disable=SC2054 # QEMU option values
	disk=(-drive "file=$out/disk.qcow2,if=none,id=disk,format=qcow2,cache=unsafe"
		-device virtio-blk-pci,drive=disk)
	data=(-drive "file=$out/data.img,if=none,id=data,format=raw,cache=unsafe"
		-device nvme,drive=data,serial=vmtest-data)
	mem=4096
else
	say "building the module and the initramfs for $K_RELEASE"
	kernel_module "$out/prebuilt"
	kernel_test_modules "$out/prebuilt"
	kernel_initramfs "$out/initramfs.cpio.gz" "$out/prebuilt/vfio_mdev_pci.ko" \
		"$client" "$out"/prebuilt/vmp_test_*.ko
	boot_files=(-kernel "$K_VMLINUZ" -initrd "$out/initramfs.cpio.gz")
	cmdline="rdinit=/init"
	disk=()
	data=()
	mem=2048
fi
echo "$((SECONDS - prep_start))" >"$out/prepare-seconds"

accel=$(pick_accel "$name" "$K_VMLINUZ")
tier=integration
[ -z "$kernel" ] || tier=kernel
say "$tier tier: $name, kernel $K_RELEASE, accelerator: $accel"
echo "# $tier tier: $name, kernel $K_RELEASE, accelerator: $accel"
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
case $kernel in
debug) cmdline="$cmdline kasan_multi_shot log_buf_len=16M no5lvl" ;;
esac
# no_timer_check on every guest: a kernel under TCG on a loaded host can
# miss the IO-APIC timer test and panic ("timer doesn't work through
# Interrupt-remapped IO-APIC"): 1 of 3 debug boots did, and a Debian
# kernel did when its QEMU got only the CPU time another run left over.
cmdline="$cmdline console=ttyS0 intel_iommu=on panic=-1 loglevel=5 printk.devkmsg=on no_timer_check"

qmp_sock=$out/qmp.sock
qemu_args=(
	-M q35,kernel-irqchip=split -nodefaults -no-user-config
	"${accel_args[@]}" -smp 2 -m "$mem"
	-display none -no-reboot
	# The IOMMU must come before the devices it translates for.
	-device intel-iommu,intremap=on,caching-mode=on
	"${disk[@]}"
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
	"${data[@]}"
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
boot_limit=${VMTEST_BOOT_TIMEOUT:-$(budget_boot_limit "$name")}
boots=0
env_error=
while :; do
	boots=$((boots + 1))
	rm -f "$out/rebooting"
	say "booting the $name guest (boot $boots)"
	left=$((timeout - (SECONDS - start)))
	[ $left -gt 0 ] || { env_error="time limit of ${timeout}s reached"; break; }
	rc=0
	timeout "$left" qemu-system-x86_64 "${qemu_args[@]}" \
		"${boot_files[@]}" -append "$cmdline" \
		>>"$out/qemu.log" 2>&1 </dev/null &
	qemu_pid=$!
	# A guest that never reaches its test runner (a hang in early boot)
	# is an environment error now, not at the end of the time limit.
	# The time to the runner of the slowest boot goes in the budget table.
	boot_start=$SECONDS
	reached=
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if [ -z "$reached" ] && grep -q "VMTEST: boot $boots reached" "$out/console.log"; then
			reached=$((SECONDS - boot_start))
			[ "$reached" -le "$(cat "$out/boot-seconds" 2>/dev/null || echo 0)" ] ||
				echo "$reached" >"$out/boot-seconds"
		elif [ -z "$reached" ] && [ $((SECONDS - boot_start)) -ge "$boot_limit" ]; then
			kill "$qemu_pid"
			env_error="boot $boots did not reach the test runner within ${boot_limit}s"
			break
		fi
		sleep 1
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
echo "$((SECONDS - start))" >"$out/guest-seconds"

tap_report "$out" "$env_error" "$name" "$timeout" "${steps[@]}"
