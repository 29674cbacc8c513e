#!/bin/sh
# The harness itself: the emulated topology is what the other scenarios
# rely on, and a plain vfio-pci device is usable by the VFIO client.
. "$(dirname "$0")/../guest/lib.sh"

check "IOMMU is on (DMAR groups exist)" test -n "$(ls /sys/kernel/iommu_groups)"
nics=$(pci_find 8086:100e)
diag "e1000 functions: $(echo "$nics" | tr "\n" " ")"
check "two e1000 functions" test "$(echo "$nics" | wc -w)" = 2
n0=$(echo "$nics" | sed -n 1p)
n1=$(echo "$nics" | sed -n 2p)
check "e1000 pair shares one IOMMU group" test "$(pci_group "$n0")" = "$(pci_group "$n1")"
edus=$(pci_find 1234:11e8)
check "two edu devices" test "$(echo "$edus" | wc -w)" = 2
check "igb PF present" test -n "$(pci_find 8086:10c9)"
edu=$(echo "$edus" | sed -n 2p)
diag "edu on vfio-pci: $edu (group $(pci_group "$edu"))"
check "modprobe vfio-pci" modprobe vfio-pci
check "edu bound to vfio-pci" pci_bind "$edu" vfio-pci
check_tap "vfio-pci $edu" "$VFIO_CLIENT" test "$edu" --tests open,info,config,bar0,edu-ident
check "edu released from vfio-pci" pci_unbind "$edu"
done_testing
