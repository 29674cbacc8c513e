# shellcheck shell=bash
# Choose how QEMU runs the guest: KVM only where a probe boot of the guest
# kernel succeeds, else TCG.  On the machines this was written on,
# /dev/kvm is a PVM-based KVM that cannot boot stock Debian kernels, so a
# working /dev/kvm node alone proves nothing.

# A busybox initramfs whose /init prints a marker and powers off.
probe_initramfs() {
	local out=$CACHE_ROOT/probe-initramfs.cpio.gz
	[ -e "$out" ] && { echo "$out"; return; }
	local tmp
	tmp=$(mktemp -d)
	mkdir -p "$tmp/bin"
	cp /bin/busybox "$tmp/bin/busybox"
	cat >"$tmp/init" <<'EOT'
#!/bin/busybox sh
/bin/busybox echo VMTEST-PROBE-OK
/bin/busybox poweroff -f
EOT
	chmod 755 "$tmp/init"
	mkdir -p "$CACHE_ROOT"
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	echo "$out"
}

# TCG threading: single-threaded for every kernel.  Multi-threaded TCG
# broke both guests here: sid's 7.x kernels oopsed at boot (int3 in
# enqueue_task_fair while patching code) in 2 of 3 boots, and trixie's
# 6.12 lost a vCPU's timer wakeup under load (RCU stall, "timer wakeup
# didn't happen", the guest hung).  The two suites run side by side on
# two cores anyway, so one host thread per guest costs nothing.
tcg_accel_for() {
	echo "tcg,thread=single"
}

# pick_accel SUITE KERNEL: prints "kvm" or a TCG -accel argument; caches
# the probe's verdict for this kernel image and host.
pick_accel() {
	local suite=$1 kernel=$2 key verdict_file verdict
	if [ -n "${VMTEST_ACCEL:-}" ]; then
		echo "$VMTEST_ACCEL"
		return
	fi
	key=$( { sha256sum <"$kernel"; uname -r; } | sha256sum | cut -c1-16)
	verdict_file=$CACHE_ROOT/accel-probe-$key
	if [ ! -e "$verdict_file" ]; then
		verdict=tcg
		if [ -w /dev/kvm ]; then
			local log
			log=$(mktemp)
			timeout 40 qemu-system-x86_64 -M q35 -accel kvm -cpu host \
				-m 256 -nodefaults -no-user-config -display none \
				-serial "file:$log" -no-reboot \
				-kernel "$kernel" -initrd "$(probe_initramfs)" \
				-append "console=ttyS0 panic=-1 quiet" \
				>/dev/null 2>&1 || true
			grep -q VMTEST-PROBE-OK "$log" && verdict=kvm
			rm -f "$log"
		fi
		echo "$verdict" >"$verdict_file"
	fi
	verdict=$(cat "$verdict_file")
	if [ "$verdict" = kvm ]; then
		echo kvm
	else
		tcg_accel_for "$suite"
	fi
}
