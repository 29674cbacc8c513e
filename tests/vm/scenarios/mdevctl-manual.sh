#!/bin/sh
# mdevctl start/stop of a manual definition: the callout binds the parent
# to vfio-mdev-pci on start and gives it back to its original driver
# (e1000) on stop, also when starts and stops race.  The definition is of
# the model's type; one of the legacy type1 starts as well, and [types]
# names the model's type.
. "$(dirname "$0")/../guest/lib.sh"

nic=$(pci_find 8086:100e | sed -n 1p)
check "$nic starts on e1000" driver_is "$nic" e1000
u=$(new_uuid)
check "define (manual) on $nic" "$VMP" define "$nic" --uuid "$u"
check "definition is of the model's type" grep -q '"vfio-mdev-pci-8086-100e"' "/etc/mdevctl.d/$nic/$u"
check "$nic still on e1000 after define" driver_is "$nic" e1000
check "mdevctl start" mdevctl start -u "$u"
check "mdev active" mdev_exists "$u"
check "$nic now on vfio-mdev-pci" driver_is "$nic" vfio-mdev-pci
check "original driver remembered" grep -q e1000 "/run/vfio-mdev-pci/$nic.driver"
check "mdevctl list shows it" sh -c "mdevctl list | grep -q $u"
check "mdevctl types shows the model's type" sh -c "mdevctl types | grep -q vfio-mdev-pci-8086-100e"
check "  and the legacy type" sh -c "mdevctl types | grep -q vfio-mdev-pci-type1"
check "  its name the model" grep -qx "vfio-mdev-pci 8086-100e" \
	"/sys/bus/pci/devices/$nic/mdev_supported_types/vfio-mdev-pci-8086-100e/name"
check "  one instance for both: none left on either" sh -c \
	"! grep -qvx 0 /sys/bus/pci/devices/$nic/mdev_supported_types/*/available_instances"
check "mdevctl stop" mdevctl stop -u "$u"
check "mdev gone" sh -c "! test -e /sys/bus/mdev/devices/$u"
check "$nic given back to e1000" wait_for 10 driver_is "$nic" e1000
check "network interface back" sh -c "ls /sys/bus/pci/devices/$nic/net/"
check "start again" mdevctl start -u "$u"
check "and stop again" mdevctl stop -u "$u"
check "back on e1000 again" wait_for 10 driver_is "$nic" e1000
# Start and stop at once, three times: the callouts take the device's
# lock, so each pair ends with the mdev running on vfio-mdev-pci, or
# stopped and $nic back on e1000; never $nic held with nothing on it.
i=0
bad=
while [ $i -lt 3 ] && [ -z "$bad" ]; do
	mdevctl start -u "$u" >/dev/null 2>&1 &
	a=$!
	mdevctl stop -u "$u" >/dev/null 2>&1 &
	wait $a
	wait $!
	if mdev_exists "$u"; then
		driver_is "$nic" vfio-mdev-pci ||
			bad="$i: active, $nic on $(pci_driver "$nic" || echo none)"
		mdevctl stop -u "$u" >/dev/null 2>&1
	fi
	wait_for 10 driver_is "$nic" e1000 ||
		bad="${bad:-$i: stopped, $nic on $(pci_driver "$nic" || echo none)}"
	i=$((i + 1))
done
check "start and stop at once, $i times${bad:+ ($bad)}" test -z "$bad"
# A start that fails after the callout bound the parent: mdevctl's
# create step fails and mdevctl calls "post start" with the failure, on
# which the callout gives $nic back.  The failure is made in a private
# mount namespace, where an empty tmpfs hides /sys/class/mdev_bus (where
# mdevctl looks for the parent to create on) from mdevctl and its
# callout; the callout and the bind do not read it.
check_fails "a start that fails after the bind fails" \
	"Unable to find parent device '$nic'" \
	unshare -m sh -c "mount -t tmpfs none /sys/class/mdev_bus && exec mdevctl start -u $u"
check "no mdev after the failed start" sh -c "! test -e /sys/bus/mdev/devices/$u"
check "$nic given back after the failed start" wait_for 10 driver_is "$nic" e1000
check "no start left in flight" sh -c "! ls /run/vfio-mdev-pci/$nic.starting/* 2>/dev/null"
check "undefine" mdevctl undefine -u "$u"
check "definition gone" sh -c "! test -e /etc/mdevctl.d/$nic/$u"

# A definition of the legacy type, as made before types were named.
check "define of the legacy type" mdevctl define -p "$nic" -t vfio-mdev-pci-type1 -u "$u"
check "  starts" mdevctl start -u "$u"
check "  its mdev of the legacy type" sh -c \
	"readlink /sys/bus/mdev/devices/$u/mdev_type | grep -q 'vfio-mdev-pci-type1\$'"
check "  stops, $nic given back" sh -c "mdevctl stop -u $u && mdevctl undefine -u $u"
check "  $nic on e1000" wait_for 10 driver_is "$nic" e1000

# [types] names the model's type at the next bind; define follows it.
conf=/etc/vfio-mdev-pci/vfio-mdev-pci.conf
mkdir -p "${conf%/*}"
[ ! -e "$conf" ] || mv "$conf" "$T_STATE/conf.saved"
printf '[types]\n8086:100e=lan\n' >"$conf"
check "define with [types] 8086:100e=lan" "$VMP" define "$nic" --uuid "$u"
check "  definition of type vfio-mdev-pci-lan" grep -q '"vfio-mdev-pci-lan"' "/etc/mdevctl.d/$nic/$u"
check "  starts" mdevctl start -u "$u"
check "  the module was told" grep -qx "8086:100e=lan" /sys/module/vfio_mdev_pci/parameters/type_names
check "  $nic offers vfio-mdev-pci-lan" test -d "/sys/bus/pci/devices/$nic/mdev_supported_types/vfio-mdev-pci-lan"
check "  stops, undefined" sh -c "mdevctl stop -u $u && mdevctl undefine -u $u"
printf '[types]\n8086:100e=type1\n' >"$conf"
check_fails "a bad [types] refuses the definition" \
	"\\[types\\] 8086:100e=: type name 'type1' is the legacy type's" \
	"$VMP" define "$nic" --uuid "$u"
check "  nothing defined" sh -c "! test -e /etc/mdevctl.d/$nic/$u"
check "  $nic still on e1000" driver_is "$nic" e1000
rm -f "$conf"
[ ! -e "$T_STATE/conf.saved" ] || mv "$T_STATE/conf.saved" "$conf"
done_testing
