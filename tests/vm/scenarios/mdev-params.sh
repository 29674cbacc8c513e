#!/bin/sh
# Our module's knobs never change vfio-pci's devices.  Where vfio-pci-core
# keeps nointxmask, disable_vga and disable_idle_d3 module-wide (6.12:
# vfio_pci_core_set_params(), which vfio-pci calls at load), setting ours
# is refused with a message that names vfio-pci's; where they are per
# device (7.2) ours are accepted; /proc/kallsyms tells which kernel this
# is.  Loading ours without knobs leaves vfio-pci's disable_idle_d3=1 in
# force: an idle device on vfio-pci stays runtime-active, where without
# that knob it suspends.
. "$(dirname "$0")/../guest/lib.sh"

nic=$(pci_find 8086:100e | sed -n 2p)
runtime_status_is() {
	test "$(cat "/sys/bus/pci/devices/$nic/power/runtime_status")" = "$1"
}
# Long enough for an idle device to suspend (it takes well under a second).
stays_active() { sleep 3 && runtime_status_is active; }
unload_vfio_pci() {
	modprobe -r vfio_mdev_pci vfio_pci && ! grep -q '^vfio_pci ' /proc/modules
}
# modprobe's own error is only "Invalid argument": show the kernel's.
modprobe_dmesg() {
	n=$(dmesg | wc -l)
	modprobe "$@" && return 0
	dmesg | tail -n "+$((n + 1))"
	return 1
}
diag "vfio-pci device under test: e1000 $nic"
check "$nic starts on e1000" driver_is "$nic" e1000
check "vfio-pci and ours unloaded" unload_vfio_pci

# /proc/kallsyms lists a module's symbols only while it is loaded.
check "vfio-pci-core loaded alone" modprobe vfio_pci_core
if grep -qw vfio_pci_core_set_params /proc/kallsyms; then
	diag "this kernel's vfio-pci-core keeps the knobs module-wide"
	check_fails "our disable_idle_d3=1 refused, naming vfio_pci's" \
		"shared with vfio-pci.*set vfio_pci's" \
		modprobe_dmesg vfio_mdev_pci disable_idle_d3=1
	check "module not loaded" sh -c "! grep -q '^vfio_mdev_pci ' /proc/modules"
else
	diag "this kernel's vfio-pci-core takes the knobs per device"
	check "our disable_idle_d3=1 accepted" modprobe vfio_mdev_pci disable_idle_d3=1
	check "unload it" modprobe -r vfio_mdev_pci
fi

check "vfio-pci loaded with disable_idle_d3=1" modprobe vfio_pci disable_idle_d3=1
check "ours loaded after it, without knobs" modprobe vfio_mdev_pci
check "$nic bound to vfio-pci" pci_bind "$nic" vfio-pci
check "idle $nic stays active (vfio-pci's disable_idle_d3 holds)" stays_active
pci_unbind "$nic"

# The same observation tells the two apart: without the knob it suspends.
check "vfio-pci and ours unloaded again" unload_vfio_pci
check "vfio-pci loaded without knobs" modprobe vfio_pci
check "$nic bound to vfio-pci" pci_bind "$nic" vfio-pci
check "idle $nic suspends without the knob" wait_for 15 runtime_status_is suspended
pci_unbind "$nic"
check "$nic on e1000 again" driver_is "$nic" e1000
done_testing
