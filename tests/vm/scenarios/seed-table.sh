#!/bin/sh
# The seed's assignment table (docs/design.md, "The seed's assignment
# table"): two NICs sharing one IOMMU group, the first on vfio-pci or
# wrapped as an mdev, the second on vfio-pci; L2 QEMU instances as the VMs,
# first from the command line, then through libvirt.  Wrapping must not
# change vfio's group rules.
. "$(dirname "$0")/../guest/lib.sh"
. "$(dirname "$0")/../guest/l2.sh"
. "$(dirname "$0")/../guest/libvirt.sh"

nics=$(pci_find 8086:100e)
n0=$(echo "$nics" | sed -n 1p)
n1=$(echo "$nics" | sed -n 2p)
edu=$(pci_find 1234:11e8 | sed -n 1p)
uuid=$(new_uuid)
diag "NIC0 $n0, NIC1 $n1, group $(pci_group "$n0")"
modprobe vfio-pci
modprobe vfio_mdev_pci

nic0_vfio_pci() {
	mdev_exists "$uuid" && mdev_remove "$uuid"
	pci_bind "$n0" vfio-pci && pci_bind "$n1" vfio-pci
}
nic0_wrapped() {
	pci_bind "$n0" vfio-mdev-pci && pci_bind "$n1" vfio-pci &&
		{ mdev_exists "$uuid" || mdev_create "$n0" "$uuid"; }
}

# One VM per "with" list, started in order; the row's result is that of
# the last VM (or the first one that failed).  Runs with QEMU (qemu) or
# libvirt (virsh).
run_vms() {	# run_vms MODE VIOMMU DEVS-OF-VM1 [DEVS-OF-VM2]
	_mode=$1 _vi=$2
	shift 2
	_i=0 _err='' _started=''
	for _devs in "$@"; do
		_i=$((_i + 1))
		_args='' _hds='' _slot=4
		for _d in $_devs; do
			_slot=$((_slot + 1))
			case $_d in
			*-*-*-*-*) _args="$_args $(l2_mdev "$_d")"
				_hds="$_hds|$(hostdev_mdev "$_d" $_slot)" ;;
			*) _args="$_args $(l2_pci "$_d")"
				_hds="$_hds|$(hostdev_pci "$_d" $_slot)" ;;
			esac
		done
		if [ "$_mode" = qemu ]; then
			[ "$_vi" = yes ] && _args="$L2_VIOMMU $_args"
			# shellcheck disable=SC2086
			if ! l2_start "vm$_i" $_args; then _err=$(l2_error "vm$_i"); break; fi
		else
			_old=$IFS
			IFS='|'
			# shellcheck disable=SC2086
			set -- ${_hds#|}
			IFS=$_old
			if ! dom_start "seed$_i" "$_vi" "$@"; then _err=$(dom_error "seed$_i"); break; fi
		fi
		_started="$_started $_i"
	done
	for _j in $_started; do
		if [ "$_mode" = qemu ]; then l2_stop "vm$_j"; else dom_stop "seed$_j"; fi
	done
	[ "$_mode" = libvirt ] && dom_stop "seed$_i"
	echo "$_err" >"$T_STATE/row.err"
	[ -z "$_err" ]
}

# short_error TEXT: the part of an error that says why (QEMU's vfio
# message, or libvirt's own reason), for the table.
short_error() {
	[ -n "$1" ] || { echo started; return; }
	echo "$1" | sed -E 's/.*(vfio [0-9a-f:.]+: )/\1/; s/.*(Requested operation is not valid: )/\1/' |
		cut -c1-150
}

table=$T_STATE/table
: >"$table"
# row NUMBER SETUP VIOMMU EXPECT PATTERN VM-DEVICES...
row() {
	_no=$1 _setup=$2 _vi=$3 _expect=$4 _pat=$5
	shift 5
	for _mode in qemu libvirt; do
		_ok=1
		"$_setup" || _ok=0
		if run_vms "$_mode" "$_vi" "$@"; then _got=pass; else _got=fail; fi
		_err=$(cat "$T_STATE/row.err")
		[ "$_got" = "$_expect" ] || _ok=0
		if [ "$_got" = fail ] && ! echo "$_err" | grep -Eiq "$_pat"; then _ok=0; fi
		printf '%s | %-13s | %-8s | %-3s | %s | %-4s | %-4s | %s\n' "$_no" \
			"$([ "$_setup" = nic0_wrapped ] && echo vfio-mdev-pci || echo vfio-pci)" \
			vfio-pci "$_vi" "$#" "$_expect" "$_got" \
			"$_mode: $(short_error "$_err")" >>"$table"
		if [ $_ok = 1 ]; then
			ok "test $_no ($_mode): expected $_expect, got $_got"
		else
			not_ok "test $_no ($_mode): expected $_expect, got $_got: $_err"
		fi
	done
}

busy='busy|in use'
spaces='multiple address spaces|address space'
row 0 nic0_vfio_pci no  pass ''        "$n0 $n1"
row 1 nic0_vfio_pci no  fail "$busy"   "$n0" "$n1"
row 2 nic0_vfio_pci yes fail "$spaces" "$n0 $n1"
row 3 nic0_wrapped  no  pass ''        "$uuid $n1"
row 4 nic0_wrapped  no  fail "$busy"   "$uuid" "$n1"
row 5 nic0_wrapped  yes fail "$spaces" "$uuid $n1"

diag ""
diag "# | NIC0          | NIC1     | vIOMMU | VMs | expected | observed | error"
sed 's/^/# /' "$table"

# The wrapped NIC cannot be had by its PCI name.
by_name() {
	# shellcheck disable=SC2046
	l2_start byname $(l2_pci "$n0") $(l2_pci "$n1") || {
		cat "$T_STATE/byname.out"
		return 1
	}
	l2_stop byname
}
nic0_wrapped
check_fails "wrapped NIC opened by PCI name is refused (QEMU)" \
	"No such device|error getting device" by_name
check "refusal logged naming the mdev" sh -c "dmesg | grep -q 'refused.*$uuid'"

# A singleton group (an edu) wrapped and used with a vIOMMU in L2.
eu=$(new_uuid)
check "wrap edu $edu, create mdev" wrap_create "$edu" "$eu"
check "singleton-group mdev with a vIOMMU in L2 (QEMU)" \
	l2_start viommu -device intel-iommu,caching-mode=on -device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$eu"
l2_stop viommu
check "singleton-group mdev with a vIOMMU in L2 (libvirt)" \
	dom_start edu-viommu yes "$(hostdev_mdev "$eu")"
dom_stop edu-viommu

mdev_remove "$eu"
mdev_remove "$uuid"
pci_unbind "$edu"
pci_unbind "$n0"
pci_unbind "$n1"
check "NICs back on e1000" sh -c "[ \$(basename \$(readlink /sys/bus/pci/devices/$n0/driver)) = e1000 ]"
done_testing
