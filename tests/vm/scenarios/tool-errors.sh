#!/bin/sh
# Bad input: each case fails with a clear error and changes nothing.
. "$(dirname "$0")/../guest/lib.sh"

nics=$(pci_find 8086:100e)
nic=$(echo "$nics" | sed -n 1p)
edu=$(pci_find 1234:11e8 | sed -n 1p)
uuid=$(new_uuid)
conf=/etc/vfio-mdev-pci/vfio-mdev-pci.conf

# state: what must not change.
state() {
	for d in $nics "$edu"; do echo "$d $(pci_driver "$d")"; done
	ls -R /etc/mdevctl.d /run/vfio-mdev-pci 2>/dev/null
	ls /sys/bus/mdev/devices 2>/dev/null
}
before=$(state)
unchanged() { [ "$(state)" = "$before" ]; }

check_fails "callout: malformed JSON on stdin" "not valid JSON" sh -c \
	"echo '{\"mdev_type\": ' | $VMP callout -t vfio-mdev-pci-type1 -e pre -a start -s none -u $uuid -p $nic"
check "  nothing changed" unchanged
# Through mdevctl, malformed JSON never reaches the callout: mdevctl's own
# parser (serde) refuses it first.  The case above is our parser's.
check_fails "mdevctl refuses malformed JSON before any callout" "key must be a string at line 1 column 2" sh -c \
	"printf '{bad' >/tmp/bad.json; mdevctl start -p $nic --jsonfile /tmp/bad.json"
check "  nothing changed" unchanged
check_fails "bind: unknown BDF" "no PCI device" "$VMP" bind 0000:7f:1f.7
check_fails "bind: path tricks" "not a PCI address" "$VMP" bind ../../../devices/pci0000:00
check_fails "bind: BDF with a trailing path" "not a PCI address" "$VMP" bind "$nic/../$edu"
check_fails "define: malformed UUID" "UUID" "$VMP" define "$edu" --uuid "../$uuid"
check "  nothing changed" unchanged

iface=$(ls "/sys/bus/pci/devices/$nic/net" | head -1)
diag "$nic is $iface"
ip link set "$iface" up
ip addr add 192.0.2.1/24 dev "$iface"
check_fails "bind: device in use by the host ($iface up)" "$iface" "$VMP" bind "$nic"
check_fails "mdevctl start refused for a device in use" "is in use by the host: Network interface '$iface' is up" sh -c \
	"mdevctl start -p $nic -t vfio-mdev-pci-type1 -u $uuid"
ip addr flush dev "$iface"
ip link set "$iface" down
check "  nothing changed" unchanged

# No mdevctl where the tool looks for it (PATH): the installed tool has
# no variable that names another one (src/seams.h).
check_fails "define: mdevctl missing" "'mdevctl' was not found in PATH \\(install the mdevctl package\\)" \
	env PATH=/nonexistent "$VMP" define "$edu"
check "  nothing changed" unchanged

mkdir -p "${conf%/*}"
printf '[devices]\naddresses=0000:zz:00.0\n[bogus\n' >"$conf"
check_fails "config: junk is reported with the file" "$conf" "$VMP" config
check_fails "udev-add refuses to act on a bad config" "$conf" "$VMP" udev-add "$edu"
printf '[policy]\ngive-back=sometimes\n' >"$conf"
check_fails "config: bad policy value" "give-back|sometimes" "$VMP" config
rm -f "$conf"
check "  nothing changed" unchanged
check "config without a file is fine" "$VMP" config
done_testing
