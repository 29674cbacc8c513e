#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.sh KERNEL_SRC [DIR...] - TAP: checkpatch.pl --strict on every
# C source and header of the module, and of the test modules in each DIR,
# with the checkpatch.pl of Debian 13's linux-source-6.12 (in the trixie
# chroot from chroot.sh).

set -u
. "$(dirname "$0")/common.sh"

chroot_enter trixie "$1"
shift
for dir; do
	cp "$dir"/*.c "$scratch/"
done

for f in "$scratch"/*.c "$scratch"/*.h; do
	name=${f##*/}
	if in_chroot perl /opt/checkpatch/checkpatch.pl --strict --no-tree \
		--show-types --no-summary -f "$work/$name" \
		>"$scratch/checkpatch.log" 2>&1; then
		tap_ok "checkpatch --strict $name"
	else
		tap_not_ok "checkpatch --strict $name"
		tap_diag "$scratch/checkpatch.log"
	fi
done

tap_plan
