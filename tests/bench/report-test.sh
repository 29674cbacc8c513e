#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# report-test.sh BENCH_REPORT TESTDATA [GNUPLOT] - bench-report against
# synthetic figures (testdata/good: every kind of input, a missing paired
# metric and a missing absolute one; testdata/bad: a malformed value);
# TAP on stdout.  Without GNUPLOT the plot is left out.
set -u
report=$1
data=$2
gnuplot=${3:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; sed 's/^/#   /' "$tmp/log"; }
# expect DESC CMD...: CMD succeeds.
expect() {
	_d=$1
	shift
	if "$@" >"$tmp/log" 2>&1; then ok "$_d"; else not_ok "$_d"; fi
}
# has FILE DESC PATTERN: FILE has a line matching the extended regex.
has() { expect "$2" grep -Eq -- "$3" "$1"; }

expect "report from good figures" "$report" --no-plot "$data/good" "$tmp/out"
md=$tmp/out/bench.md
json=$tmp/out/bench.json
has "$md" "the run's kernel and device" 'Kernel 6\.12\.0-test, edu device 0000:01:00\.0'
has "$md" "rounds of several files pooled, median of an even count" \
	'^\| 1\. config read .*\| 110000 \(100000–120000, n=2\) \| 105000 \(99000–111000, n=2\) \| 0\.955 \| ≥ 0\.980 \| \*\*no\*\* \|$'
has "$md" "a lower throughput misses its target" '^\| 2\. BAR0 .*\| 0\.800 \| ≥ 0\.980 \| \*\*no\*\* \|$'
has "$md" "a time within its target" '^\| 4\. DMA .*\| 1\.010 \| ≤ 1\.02 \| yes \|$'
has "$md" "a slower open misses its target" '^\| 5\. device open\+close .*\| 1\.200 \| ≤ 1\.10 \| \*\*no\*\* \|$'
has "$md" "series files pair up" '^\| 6\. make-ready .*\| 22\.0{0,2} \(20\.0{0,2}–24\.0{0,2}, n=3\) \| 23\.0{0,2} .*\| 1\.045 \| ≤ 1\.10 \| yes \|$'
has "$md" "a missing path says why" '^\| 8\. virsh start --paused \| ms \| missing: vfio-pci: sample 1 of the pci path failed; no mdev figures \|'
has "$md" "an absolute figure" '^\| boot_1_devices_ms \| boot \| ms \| 4321 \(4321–4321, n=1\) \|$'
has "$md" "a missing absolute figure says why" '^\| boot_7_devices_ms \| boot \| ms \| missing: mdev x not active after 180 s \|$'
has "$md" "tool figures" '^\| tool_callout_foreign_type_wall_ms \| tool \| ms \| 3\.000 \(2\.900–3\.100, n=3\) \|$'
has "$json" "bench.json has the ratio" '"ratio" : 1\.2'
has "$json" "bench.json has the verdict" '"within_target" : false'
has "$json" "bench.json keeps the run's facts" '"kernel" : "6\.12\.0-test"'
has "$json" "bench.json keeps the values" '"values" : \['

if "$report" --no-plot "$data/bad" "$tmp/bad" >"$tmp/log" 2>&1; then
	not_ok "a value that is not a number is an error"
else
	mv "$tmp/log" "$tmp/bad.log"
	has "$tmp/bad.log" "a value that is not a number is an error, naming the file" 'bad/value\.json: Value 2 of .make_ready_ms. is not a number'
fi
mkdir "$tmp/empty"
if "$report" --no-plot "$tmp/empty" "$tmp/e" >"$tmp/log" 2>&1; then
	not_ok "no figures at all is an error"
else
	ok "no figures at all is an error"
fi
if "$report" --no-plot "$data/good" >"$tmp/log" 2>&1; then
	not_ok "a missing argument is a usage error"
else
	expect "a missing argument is a usage error (64)" test $? = 64
fi

if [ -n "$gnuplot" ]; then
	expect "report with a plot" "$report" --gnuplot "$gnuplot" "$data/good" "$tmp/plot"
	expect "bench.svg is an SVG" grep -q '<svg' "$tmp/plot/bench.svg"
	has "$tmp/plot/bench.gp" "one panel per paired metric with figures" 'index 16 using 1:2'
	expect "no panel for the missing one" sh -c "! grep -q 'index 18 ' '$tmp/plot/bench.gp'"
else
	echo "# gnuplot not found: plot not tested"
fi
echo "1..$n"
