#!/bin/sh
# Run the whole test suite (unit, build, vm, bench) and end with one
# summary line.  Installs what it needs first.  Extra arguments go to
# `meson test` (for example `--suite unit`).
set -eu
cd "$(dirname "$0")"
. ./tests/as-root.sh

sh tests/setup-host.sh
builddir=${VFIO_MDEV_PCI_BUILDDIR:-build}
if [ -e "$builddir/build.ninja" ]; then
	meson setup --reconfigure "$builddir" >/dev/null
else
	meson setup "$builddir" >/dev/null
fi
meson compile -C "$builddir"
# The VM suites are single-threaded TCG guests that often wait on I/O:
# three at a time keep two cores busy.
export MESON_TESTTHREADS="${MESON_TESTTHREADS:-3}"
rc=0
meson test -C "$builddir" --print-errorlogs "$@" || rc=$?
sh tests/summary.sh "$builddir/meson-logs/testlog.json"
exit "$rc"
