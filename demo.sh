#!/bin/sh
# The demo: boot a Debian 13 guest with emulated PCI devices and show, step
# by step, a whole PCI device becoming an mdev and being used through it.
# Installs what it needs first; the guest image is built once and cached.
set -eu
cd "$(dirname "$0")"
. ./tests/as-root.sh

sh tests/setup-host.sh
out=${VFIO_MDEV_PCI_DEMO_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/vfio-mdev-pci-demo.XXXXXX")}
echo "==> the demo runs in a QEMU guest; its steps appear as they happen"
rc=0
tests/vm/run.sh --suite trixie --out "$out" demo >"$out.tap" || rc=$?
echo
echo "==> transcript"
sed -n 's/^# \{0,1\}//p; s/^not ok [0-9]* - /FAILED: /p' "$out.tap"
echo
if [ "$rc" = 0 ]; then
	echo "==> demo finished; everything worked (details: $out)"
else
	echo "==> demo FAILED (details: $out, TAP: $out.tap)"
fi
exit "$rc"
