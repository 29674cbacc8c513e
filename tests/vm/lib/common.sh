# shellcheck shell=bash
# Helpers shared by the host side of the VM harness.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC_ROOT=$(cd "$VM_DIR/../.." && pwd)
CACHE_ROOT=${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Show a one-line heartbeat while a long command runs, so a person (or a CI
# log) sees that something is happening.  Output goes to $log.
run_with_progress() {
	local what=$1 log=$2; shift 2
	local start=$SECONDS rc
	"$@" >"$log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		kill -0 "$pid" 2>/dev/null &&
			printf '    ... %s (%ds)\n' "$what" $((SECONDS - start)) >&2
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$log" >&2
		die "$what failed (exit $rc); full log: $log"
	fi
	say "$what done in $((SECONDS - start)) s"
}
