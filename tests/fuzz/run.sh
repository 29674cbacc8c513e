#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh OUT SEEDS SECONDS [--required] MODE: the parser fuzz targets,
# each for SECONDS from the seed corpus SEEDS/TARGET; TAP on stdout. A
# crash, sanitizer report, slow input (5 s) or memory blow-up (512 MiB)
# fails its line; the input that did it is kept in OUT/artifacts and the
# fuzzer's log in OUT/TARGET.log. New inputs the fuzzer finds go to
# OUT/corpus/TARGET, so later runs start from there. MODE is one of
#   skip REASON                 clang or libFuzzer is missing
#   bin DIR                     this is a fuzz build; the targets are in DIR
#   build SRCDIR MESON CLANG    make a fuzz build of SRCDIR in OUT/clang
# With --required, a missing clang or libFuzzer fails instead of skipping.
set -u

out=$1 seeds=$2 seconds=$3
shift 3
required=no
if [ "$1" = --required ]; then
	required=yes
	shift
fi
targets="fuzz-config fuzz-mdevctl-json fuzz-domain-xml"

skip() {
	if [ "$required" = yes ]; then
		echo "1..1"
		echo "not ok 1 - $1 (-Dfuzz=enabled)"
	else
		echo "1..0 # SKIP $1"
	fi
	exit 0
}

# The last lines of log file $1, as TAP comments.
tail_log() {
	tail -n 40 "$1" | sed 's/^/# /'
}

# A fuzzer's report, from its first line (the stack and the kind of
# error come before the shadow bytes), and where it kept the input.
report() {
	sed -n -e '/ERROR\|runtime error:\|==[0-9]*== /,$p' "$1" | head -n 40 |
		sed 's/^/# /'
	grep 'Test unit written to' "$1" | sed 's/^/# /'
}

n=0
mode=$1
case $mode in
skip)
	skip "$2"
	;;
bin)
	bindir=$2
	echo "1..3"
	;;
build)
	srcdir=$2 meson=$3 clang=$4
	mkdir -p "$out"
	# The toolchain first: without it the suite skips, with it any
	# failure below is ours.
	if ! "$clang" -fsanitize=fuzzer,address,undefined -o "$out/probe" \
		"$srcdir/tests/fuzz/probe.c" >"$out/probe.log" 2>&1; then
		skip "$clang cannot link a libFuzzer target with ASan and UBSan (libclang-rt-dev)"
	fi
	echo "1..4"
	sub=$out/clang
	[ -e "$sub/build.ninja" ] || rm -rf "$sub"
	# Only what the targets need: no unit tests, VM suites or kernels.
	if [ ! -e "$sub/build.ninja" ] &&
		! CC=$clang "$meson" setup "$sub" "$srcdir" \
			-Db_sanitize=address,undefined -Db_lundef=false \
			-Doptimization=1 -Dfuzz=enabled -Dtests=disabled \
			-Dvm_tests=disabled -Ddebug_kernel_tests=disabled \
			>"$out/clang-setup.log" 2>&1; then
		echo "not ok 1 - configure the clang fuzz build in $sub"
		tail_log "$out/clang-setup.log"
		echo "Bail out! no fuzz build"
		exit 0
	fi
	# shellcheck disable=SC2086 # one target a word
	if ! "$meson" compile -C "$sub" $targets >"$out/clang-build.log" 2>&1; then
		echo "not ok 1 - build the fuzz targets with clang in $sub"
		tail_log "$out/clang-build.log"
		echo "Bail out! no fuzz build"
		exit 0
	fi
	n=1
	echo "ok 1 - fuzz targets built with clang, ASan, UBSan and libFuzzer in $sub"
	bindir=$sub/tests/fuzz
	;;
*)
	echo "run.sh: unknown mode $mode" >&2
	exit 1
	;;
esac

# The targets' roots, on tmpfs where there is one (fuzz-root.c); a
# crash leaves its root behind.
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=$out
TMPDIR=$(mktemp -d "$shm/vmp-fuzz-run.XXXXXX") || exit 1
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

mkdir -p "$out/artifacts"
for t in $targets; do
	n=$((n + 1))
	log=$out/$t.log
	mkdir -p "$out/corpus/$t"
	# The first corpus folder is where new inputs go: never the seeds.
	"$bindir/$t" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
		"$out/corpus/$t" "$seeds/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	# A report that did not stop the process still fails the line.
	if [ "$rc" -ne 0 ] || [ -z "$runs" ] ||
		grep -q -e 'runtime error:' -e '^==[0-9]*==ERROR:' "$log"; then
		echo "not ok $n - $t: exit $rc, see $log"
		report "$log"
	else
		echo "ok $n - $t: $runs runs in $seconds s, no crash"
	fi
done
