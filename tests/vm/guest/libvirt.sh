# shellcheck shell=sh
# libvirt helpers for scenarios: small diskless TCG domains (type='qemu')
# started paused, so the domain's QEMU realizes its hostdevs and holds
# them.  Sourced after lib.sh.
VIRSH="virsh -q -c qemu:///system"

# hostdev_pci BDF [SLOT] / hostdev_mdev UUID [SLOT]: <hostdev> elements
# (managed='no': the scenario decides the drivers).  With SLOT the device
# sits at 00:SLOT.0 in L2, on the root bus like a plain QEMU -device, so
# that two devices get two address spaces under a vIOMMU; without, libvirt
# places it (a conventional PCI device goes behind a PCIe-to-PCI bridge).
l2_address() {
	[ -n "$1" ] && printf "<address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x0'/>" "$1"
}
hostdev_pci() {
	_b=${1#*:}
	printf "<hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0x%s' bus='0x%s' slot='0x%s' function='0x%s'/></source>%s</hostdev>\n" \
		"${1%%:*}" "${_b%%:*}" "$(echo "$_b" | cut -d: -f2 | cut -d. -f1)" "${1##*.}" "$(l2_address "${2:-}")"
}
hostdev_mdev() {
	printf "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='%s'/></source>%s</hostdev>\n" "$1" "$(l2_address "${2:-}")"
}

# domain_xml NAME VIOMMU(yes|no) HOSTDEV...: a 128 MiB diskless domain.
domain_xml() {
	_name=$1 _viommu=$2
	shift 2
	echo "<domain type='qemu'><name>$_name</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
	if [ -n "${DOM_LINUX:-}" ]; then
		echo "<os><type arch='x86_64' machine='q35'>hvm</type>"
		echo "<kernel>$DOM_LINUX/vmlinuz</kernel><initrd>$DOM_LINUX/initrd</initrd>"
		# no_timer_check: on a loaded host, TCG in TCG is slow enough to
		# fail the IO-APIC timer check ("MP-BIOS bug: 8254 timer not
		# connected to IO-APIC"), after which L2 never reached /init.
		# quiet: each character of the boot log crosses two emulated
		# UARTs (trixie's L2 was still printing 15 minutes into its
		# boot); /init raises the level for the hot-plug messages.
		# No crypto self-tests, jitterentropy health test or
		# certificate keyring: nothing in L2 uses them, and they were
		# the largest initcalls of its boot (24 of about 200 s; the
		# same kernel under plain TCG reached /init 20% sooner).
		echo "<cmdline>console=ttyS0 quiet panic=-1 no_timer_check cryptomgr.notests initcall_blacklist=load_system_certificate_list,jent_mod_init</cmdline></os>"
	else
		echo "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
	fi
	# ACPI: QEMU's q35 hot-plugs into root ports through ACPI by default,
	# and libvirt turns ACPI off unless the domain asks for it.
	echo "<features><acpi/><apic/>"
	[ "$_viommu" = yes ] && echo "<ioapic driver='qemu'/>"
	echo "</features>"
	echo "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
	for _h in "$@"; do echo "$_h"; done
	[ "$_viommu" = yes ] && echo "<iommu model='intel'><driver caching_mode='on' intremap='on'/></iommu>"
	# Two empty root ports: room for hot-plugged devices (naming any PCI
	# controller makes libvirt want the root complex named too).
	echo "<controller type='pci' index='0' model='pcie-root'/>"
	echo "<controller type='pci' model='pcie-root-port'/><controller type='pci' model='pcie-root-port'/>"
	echo "<controller type='usb' model='none'/><memballoon model='none'/>"
	[ -z "${DOM_LINUX:-}" ] ||
		echo "<serial type='file'><source path='$(dom_console "$_name")'/><target port='0'/></serial>"
	echo "</devices></domain>"
}

# A paused domain never runs guest code, so it cannot answer a hot-unplug
# request.  With DOM_LINUX set (see l2_linux_prepare), domains boot the
# test guest's own Debian kernel with a busybox initramfs instead, and
# run: the L2 kernel handles PCI hot-plug by itself.  It boots in about
# 3.5 minutes in this TCG-in-TCG domain (213 s alone on the reference
# machine), quiet: a kernel of our own boots faster, but building it cost
# the first CI run more than twice that.
l2_linux_prepare() {
	DOM_LINUX=/var/lib/libvirt/images/vmtest-l2
	rm -rf "$DOM_LINUX"
	mkdir -p "$DOM_LINUX/root/bin" "$DOM_LINUX/root/proc"
	cp /bin/busybox "$DOM_LINUX/root/bin/" || return 1
	printf '#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\n/bin/busybox echo 7 >/proc/sys/kernel/printk\n/bin/busybox echo L2-READY\nexec /bin/busybox sleep 1000000\n' \
		>"$DOM_LINUX/root/init"
	chmod 755 "$DOM_LINUX/root/init"
	# busybox's cpio: sid's image has no cpio(1) (initramfs-tools no
	# longer needs it).  It reports block counts on stderr, so the
	# archive is checked by listing it instead.
	(cd "$DOM_LINUX/root" && find . | busybox cpio -o -H newc 2>/dev/null |
		gzip -1) >"$DOM_LINUX/initrd" || return 1
	gzip -dc "$DOM_LINUX/initrd" | busybox cpio -t 2>/dev/null | grep -qx init ||
		{ echo "the L2 initramfs has no /init" >&2; return 1; }
	# libvirt's QEMU runs as another user; Debian installs the kernel
	# readable by root only on some releases.
	cp "/boot/vmlinuz-$(uname -r)" "$DOM_LINUX/vmlinuz" &&
		chmod 644 "$DOM_LINUX/vmlinuz"
}
dom_console() { echo "/var/log/libvirt/qemu/$1-serial.log"; }

# dom_start NAME VIOMMU HOSTDEV...: define and start (paused, unless
# DOM_LINUX); the output of virsh (its error on failure) goes to
# $T_STATE/NAME.out.
dom_start() {
	_name=$1
	_how=--paused
	[ -z "${DOM_LINUX:-}" ] || _how=
	domain_xml "$@" >"$T_STATE/$_name.xml"
	rm -f "$(dom_console "$_name")"
	# shellcheck disable=SC2086 # $_how is empty or one word
	if $VIRSH define "$T_STATE/$_name.xml" >"$T_STATE/$_name.out" 2>&1 &&
		$VIRSH start $_how "$_name" >>"$T_STATE/$_name.out" 2>&1; then
		return 0
	fi
	cat "$T_STATE/$_name.out" >&2
	return 1
}
dom_stop() {
	$VIRSH destroy "$1" >/dev/null 2>&1
	$VIRSH undefine "$1" >/dev/null 2>&1
	return 0
}
# dom_error NAME: virsh's error lines, joined (the first only says which
# call failed).
dom_error() { grep -i 'error' "$T_STATE/$1.out" | tr '\n' ' ' | cut -c1-400; }
