# shellcheck shell=bash
# Helpers shared by the host side of the VM harness.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC_ROOT=$(cd "$VM_DIR/../.." && pwd)
CACHE_ROOT=${VFIO_MDEV_PCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-mdev-pci}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# tree_export DIR: a clean export of the tree into DIR (tracked and
# untracked files that git does not ignore), never our build directories.
tree_export() {
	mkdir -p "$1"
	if git -C "$SRC_ROOT" rev-parse >/dev/null 2>&1; then
		git -C "$SRC_ROOT" ls-files -co --exclude-standard -z |
			(cd "$SRC_ROOT" && tar --null -T - -cf -) | tar -xf - -C "$1"
	else
		(cd "$SRC_ROOT" && tar --exclude=./build -cf - .) | tar -xf - -C "$1"
	fi
}

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

# build_cached NAME KEY FUNC [ARGS...]: print the cache directory that
# FUNC ARGS... DIR fills, built once per KEY.  The suites build the same
# module, project and packages for several guests at once (the trixie
# root serves vm-trixie, the bench and the kernel tier): the first one
# builds, the others wait for it.  KEY must name every input.  Results
# live under the cache's builds/, each used one kept for 7 days.
build_cached() {
	local name=$1 key=$2 dir
	shift 2
	dir=$CACHE_ROOT/builds/$name-$key
	mkdir -p "$CACHE_ROOT/builds"
	(
		flock 9
		[ ! -e "$dir/done" ] || exit 0
		rm -rf "$dir.tmp"
		mkdir "$dir.tmp"
		"$@" "$dir.tmp" >&2 || exit 1
		touch "$dir.tmp/done"
		mv -T "$dir.tmp" "$dir"
		find "$CACHE_ROOT/builds" -mindepth 1 -maxdepth 1 -mtime +7 \
			-exec rm -rf {} +
	) 9>"$dir.lock" || return 1
	touch "$dir"
	echo "$dir"
}

# build_once NAME KEY OUTDIR FUNC [ARGS...]: build_cached, its result
# copied into OUTDIR.
build_once() {
	local name=$1 key=$2 out=$3 dir
	shift 3
	dir=$(build_cached "$name" "$key" "$@") || return 1
	find "$dir" -mindepth 1 -maxdepth 1 ! -name done -exec cp -a {} "$out/" \;
}
