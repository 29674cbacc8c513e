#!/bin/bash
# The "bench" suite: run the bench scenario in a guest (tests/vm/run.sh),
# then turn its raw figures into bench.json, bench.md and bench.svg with
# bench-report.  TAP on stdout: the scenario's results, then the report's,
# then the Markdown table as comments; progress goes to stderr.
#
#   run.sh --bench-report PROG [--report-dir DIR] [--suite trixie|sid]
#          [--out DIR] [--gnuplot PROG | --no-plot] [--set KEY=VALUE]...
#          [--boot | --no-boot] [--from DIR]
#
# --set KEY=VALUE changes a count of the scenario (rounds, iterations,
# samples, dma_size, ready_samples, virsh_samples, tool_samples; see
# tests/vm/scenarios/bench.sh, which gets them as BENCH_KEY=VALUE), as do
# the words of $VFIO_MDEV_PCI_BENCH ("rounds=20 samples=10").  --boot adds the three reboots of item 7 (left out by default).
# --from DIR builds the report from an earlier run's output directory
# without booting a guest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

suite=trixie
report_dir=$PWD/bench-report
out=
from=
report=
gnuplot=gnuplot
conf=()
for kv in ${VFIO_MDEV_PCI_BENCH:-}; do conf+=("$kv"); done
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift 2 ;;
	--report-dir) report_dir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--from) from=$2; shift 2 ;;
	--bench-report) report=$2; shift 2 ;;
	--gnuplot) gnuplot=$2; shift 2 ;;
	--no-plot) gnuplot=; shift ;;
	--set) conf+=("$2"); shift 2 ;;
	--boot) conf+=(boot=1); shift ;;
	--no-boot) conf+=(boot=0); shift ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$report" ] || die "--bench-report PROG is required (meson builds it: tests/bench/bench-report)"
[[ $report = /* ]] || report=$PWD/$report
for kv in "${conf[@]}"; do
	[[ $kv =~ ^[a-z_]+=[0-9]+$ ]] || die "'$kv' is not KEY=NUMBER"
done
mkdir -p "$report_dir"
report_dir=$(cd "$report_dir" && pwd)

n=0
failed=0
tap() {	# tap ok|not-ok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# The counts reach the scenario as BENCH_KEY=N (tests/vm/run.sh --env).
run_guest() {
	local env=() kv
	for kv in "${conf[@]}"; do
		env+=(--env "BENCH_${kv^^}")
	done
	[ ${#conf[@]} = 0 ] || say "bench counts: ${conf[*]}"
	guest_rc=0
	# The tree's meson build, installed in the guest: the suite's one
	# run of the developers' install (the integration guests install
	# the packages).
	"$here/../vm/run.sh" --suite "$suite" --install meson --name bench \
		--out "$out" "${env[@]}" bench >"$report_dir/vm.tap" || guest_rc=$?
	# The disk overlay and the tree's copy are large and of no further use.
	rm -rf "$out/disk.qcow2" "$out/src"
}

if [ -n "$from" ]; then
	out=$from
	echo "# report from the earlier run in $from"
else
	[ -n "$out" ] || out=$report_dir/vm
	run_guest
	# The guest's results, renumbered after ours.
	while IFS= read -r line; do
		case $line in
		"ok "*) tap ok "$(echo "$line" | sed -E 's/^ok [0-9]+ (- )?//')" ;;
		"not ok "*) tap not-ok "$(echo "$line" | sed -E 's/^not ok [0-9]+ (- )?//')" ;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done <"$report_dir/vm.tap"
	# A guest run that failed or said nothing fails the suite even if
	# it left figures behind.
	[ "$guest_rc" = 0 ] || tap not-ok "guest run: tests/vm/run.sh exited $guest_rc"
	grep -Eq '^(not )?ok ' "$report_dir/vm.tap" ||
		tap not-ok "guest run: no results in $report_dir/vm.tap"
fi

args=()
if [ -n "$gnuplot" ]; then args+=(--gnuplot "$gnuplot"); else args+=(--no-plot); fi
rm -f "$report_dir"/bench.{json,md,svg,dat,gp}
if [ ! -d "$out/bench" ]; then
	tap not-ok "bench-report: the guest wrote no figures ($out/bench)"
elif "$report" "${args[@]}" "$out/bench" "$report_dir" >"$report_dir/report.out" 2>&1; then
	tap ok "bench-report: bench.json and bench.md${gnuplot:+, bench.svg}"
	sed 's/^/# /' "$report_dir/bench.md"
else
	tap not-ok "bench-report: the figures make a report"
	sed 's/^/#   /' "$report_dir/report.out"
fi
echo "# figures: $report_dir/bench.md, bench.json${gnuplot:+, bench.svg}; raw: $out/bench/"
echo "1..$n"
exit $failed
