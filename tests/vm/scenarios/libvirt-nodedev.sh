#!/bin/sh
# libvirt's node-device view of our type: the wrapped parent offers it,
# an active mdev is listed, and nodedev-define/-start/-autostart work
# through mdevctl and our callout.  Also: our XML validates against our
# schemas and libvirt's.
. "$(dirname "$0")/../guest/lib.sh"
. "$(dirname "$0")/../guest/libvirt.sh"

edu=$(pci_find 1234:11e8 | sed -n 1p)
nd=pci_$(echo "$edu" | tr ':.' '__')

check_tap "XML test data against our and libvirt's schemas" \
	sh "$VMTEST_SRC/tests/unit/validate-xml.sh" "$VMTEST_SRC/tests/unit/data" "$VMP"
check "virsh answers" $VIRSH version
check "bind $edu with the tool" "$VMP" bind "$edu"
$VIRSH nodedev-dumpxml "$nd" >"$T_STATE/parent.xml"
check "nodedev-dumpxml shows mdev_types with the model's type" \
	grep -q "type id='vfio-mdev-pci-1234-11e8'" "$T_STATE/parent.xml"
check "  and the legacy type" grep -q "type id='vfio-mdev-pci-type1'" "$T_STATE/parent.xml"
check "  the model's type named so" grep -q "<name>vfio-mdev-pci 1234-11e8</name>" "$T_STATE/parent.xml"

u=$(new_uuid)
ndname=mdev_$(echo "$u" | tr - _)_$(echo "$edu" | tr ':.' '__')
check "create an mdev through sysfs" mdev_create "$edu" "$u"
check "nodedev-list --cap mdev shows it" wait_for 20 sh -c "$VIRSH nodedev-list --cap mdev | grep -q $ndname"
check "its XML names our type and parent" sh -c \
	"$VIRSH nodedev-dumpxml $ndname | grep -q vfio-mdev-pci-type1"
check "remove it" mdev_remove "$u"

u2=$(new_uuid)
nd2=mdev_$(echo "$u2" | tr - _)_$(echo "$edu" | tr ':.' '__')
"$VMP" nodedev-xml "$edu" --uuid "$u2" >"$T_STATE/nodedev.xml"
check "our node-device XML validates" "$VMP" validate "$T_STATE/nodedev.xml"
check "  of the model's type" grep -q "type id=\"vfio-mdev-pci-1234-11e8\"" "$T_STATE/nodedev.xml"
check "virsh nodedev-define" $VIRSH nodedev-define "$T_STATE/nodedev.xml"
check "mdevctl has the definition" sh -c "mdevctl list -d | grep -q $u2"
check "virsh nodedev-start" $VIRSH nodedev-start "$nd2"
check "mdev active" wait_for 20 mdev_exists "$u2"
check_tap "the mdev works" "$VFIO_CLIENT" test "$u2" --tests open,edu-ident,dma
check "virsh nodedev-autostart" $VIRSH nodedev-autostart "$nd2"
check "mdevctl definition is auto now" sh -c "mdevctl list -d -u $u2 --dumpjson | grep -q '\"auto\"'"
check "virsh nodedev-destroy" $VIRSH nodedev-destroy "$nd2"
check "mdev gone" wait_for 20 sh -c "! test -e /sys/bus/mdev/devices/$u2"
check "virsh nodedev-undefine" $VIRSH nodedev-undefine "$nd2"
check "definition gone" sh -c "! mdevctl list -d | grep -q $u2"
"$VMP" unbind "$edu" --restore >/dev/null 2>&1
done_testing
