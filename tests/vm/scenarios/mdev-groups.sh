#!/bin/sh
# IOMMU-group rules stay vfio's: the e1000 pair shares one group; one NIC
# wrapped as an mdev and the other on vfio-pci open in one container, the
# group is not viable while a member has a host driver, and a second
# container on the group is refused.
. "$(dirname "$0")/../guest/lib.sh"

nics=$(pci_find 8086:100e)
n0=$(echo "$nics" | sed -n 1p)
n1=$(echo "$nics" | sed -n 2p)
group=$(pci_group "$n0")
diag "e1000 pair $n0 $n1 in group $group; $n1 drivers: $(pci_driver "$n1")"
check "pair shares group $group" test "$(pci_group "$n1")" = "$group"
check "$n1 starts on the e1000 driver" test "$(pci_driver "$n1")" = e1000
check "modprobe vfio-pci" modprobe vfio-pci

uuid=$(new_uuid)
check "wrap $n0" wrap "$n0"
check "create mdev $uuid on $n0" mdev_create "$n0" "$uuid"
check "mdev's group is the pair's" \
	test "$(basename "$(readlink "/sys/bus/mdev/devices/$uuid/iommu_group")")" = "$group"
check_fails "group not viable while $n1 has a host driver" "not-viable" \
	"$VFIO_CLIENT" group-status "$group"
check_tap "opening the mdev alone fails" "$VFIO_CLIENT" open "$uuid" --expect-fail

check "$n1 bound to vfio-pci" pci_bind "$n1" vfio-pci
check "group viable now" "$VFIO_CLIENT" group-status "$group"
check_tap "mdev and $n1 in one container" "$VFIO_CLIENT" open "$uuid" "$n1"
check_tap "mdev on its own" "$VFIO_CLIENT" test "$uuid" --tests open,info,config,bar0,reset,hot-reset-info

ready=$T_STATE/ready
rm -f "$ready"
"$VFIO_CLIENT" hold "$uuid" --seconds 120 --ready-file "$ready" >"$T_STATE/hold.out" 2>&1 &
pid=$!
check "a client holds the group through the mdev" wait_for 30 test -e "$ready"
check_tap "second container on the group refused" "$VFIO_CLIENT" open "$n1" --expect-fail
check_fails "group busy" "busy" "$VFIO_CLIENT" group-status "$group"
kill -TERM "$pid"
check "holder exits cleanly" wait "$pid"

check "remove mdev" mdev_remove "$uuid"
check "$n1 back to e1000" sh -c "$(printf 'echo %s >/sys/bus/pci/drivers/vfio-pci/unbind' "$n1")"
pci_unbind "$n1"
check "$n1 on e1000 again" test "$(pci_driver "$n1")" = e1000
pci_unbind "$n0"
check "$n0 on e1000 again" test "$(pci_driver "$n0")" = e1000
done_testing
