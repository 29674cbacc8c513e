# shellcheck shell=bash
# Merge the guest's per-scenario TAP files into one TAP stream.

# KERNEL_REPORT_RE: shared with the guest.
. "$VM_DIR/lib/kernel-reports.sh"
# The first line of a boot's log that our module is loaded: loading an
# out-of-tree (or unsigned) module taints the kernel and says so once
# per boot, before the module's init runs.
MODULE_LOAD_RE='vfio_mdev_pci: (loading out-of-tree module|module verification failed)'
# A report that switched lockdep off for the rest of the boot.
LOCKDEP_OFF_RE='Disabling lock debugging due to kernel taint|turning off the locking correctness validator'

tap_n=0
tap_failed=0
# A "todo" line is a known, expected failure; its DESCRIPTION carries
# the "# TODO reason" directive and it does not fail the run.
tap_line() {	# tap_line ok|not-ok|todo DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $tap_n - $2"
	elif [ "$1" = todo ]; then
		echo "not ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}
tap_attach() {	# tap_attach FILE [LINES]: show the end of FILE as diagnostics
	[ -s "$1" ] || return 0
	echo "# --- $(basename "$1") (last ${2:-60} lines) ---"
	tail -n "${2:-60}" "$1" | sed 's/^/#   /'
}

# tap_reports: the reports on stdin, each with the 40 lines after its
# first line, as diagnostics (at most 240 lines).
tap_reports() {
	awk -v re="$KERNEL_REPORT_RE" '
		$0 ~ re { if (NR > last) print "---"; last = NR + 40 }
		NR <= last { print }' | head -n 240 | sed 's/^/#   /'
}

# Renumber one scenario's TAP and check it against its plan and exit code.
tap_scenario() {
	local dir=$1 name=$2 tap=$1/results/$2.tap rc plan=0 seen=0 bad=0 line
	if [ ! -e "$dir/results/$name.rc" ]; then
		tap_line not-ok "$name: did not run"
		return
	fi
	rc=$(cat "$dir/results/$name.rc")
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			seen=$((seen + 1))
			local desc=${line#*ok }
			desc=${desc#* }
			desc=${desc#- }
			case $line in
			ok*) tap_line ok "$name: $desc" ;;
			*" # TODO "*) tap_line todo "$name: $desc" ;;
			*) tap_line not-ok "$name: $desc"; bad=1 ;;
			esac ;;
		1..*) plan=${line#1..}; plan=${plan%% *} ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tap"
	if [ "$plan" != "$seen" ]; then
		tap_line not-ok "$name: planned $plan tests, ran $seen"
		bad=1
	fi
	if [ "$rc" != 0 ] && [ $bad = 0 ]; then
		tap_line not-ok "$name: exited with status $rc"
		bad=1
	fi
	local reports
	reports=$(grep -E "$KERNEL_REPORT_RE" "$dir/results/$name.dmesg" 2>/dev/null || true)
	if [ -n "$reports" ]; then
		tap_line not-ok "$name: kernel log has no warnings"
		tap_reports <"$dir/results/$name.dmesg"
		bad=1
	else
		tap_line ok "$name: kernel log has no warnings"
	fi
	if [ $bad = 1 ]; then
		tap_attach "$dir/results/$name.log" 40
		tap_attach "$dir/results/$name.dmesg" 80
	fi
}

# tap_boot OUTDIR FILE: a boot's kernel log, from power-on until the
# guest's runner starts (before any scenario of this boot).  Reports
# before our module's first load in it are shown and counted as
# pre-module reports and do not fail; any report after it does.
tap_boot() {
	local dir=$1 f=$2 s at pre post first npre
	s=$(basename "$f" .dmesg)
	at=$(grep -nE -m1 "$MODULE_LOAD_RE" "$f" | cut -d: -f1 || true)
	if [ -n "$at" ]; then
		pre=$(head -n $((at - 1)) "$f")
		post=$(tail -n "+$at" "$f")
	else
		pre=$(cat "$f")
		post=
	fi
	npre=$(grep -cE "$KERNEL_REPORT_RE" <<<"$pre" || true)
	if grep -qE "$KERNEL_REPORT_RE" <<<"$post"; then
		tap_line not-ok "$s: kernel log has no warnings"
		tap_reports <<<"$post"
	elif [ "$npre" = 0 ]; then
		tap_line ok "$s: kernel log has no warnings"
	else
		tap_line ok "$s: kernel log has no warnings once our module may be loaded"
	fi
	[ "$npre" != 0 ] || return 0

	# The evidence that these precede our module.
	echo "# $s: $npre pre-module report line(s), not counted as failures:"
	grep -E "$KERNEL_REPORT_RE" <<<"$pre" | head -n 10 | sed 's/^/#   /'
	if [ -n "$at" ]; then
		echo "# $s: our module first loads at line $at of this log: $(sed -n "${at}p" "$f")"
	else
		first=$(cd "$dir/results" && grep -HE -m1 "$MODULE_LOAD_RE" -- *.dmesg 2>/dev/null |
			grep -v '^boot-' | head -n 1 || true)
		echo "# $s: no line of our module in this log, which ends before the guest's runner starts;" \
			"first load in this run: ${first:-none}"
	fi
	if grep -qE "$LOCKDEP_OFF_RE" <<<"$pre"; then
		tap_line not-ok "$s: lock debugging still on when our module loads"
		grep -E "$LOCKDEP_OFF_RE" <<<"$pre" | sed 's/^/#   /'
	fi
	tap_reports <<<"$pre"
}

# tap_time GUEST STEP SECONDS LIMIT: one line of the time budget table
# (tests/summary.sh collects them from every test's output).
tap_time() {
	echo "# time: $1 $2 ${3:--} s, limit $4 s, budget $(budget_measured "$1" "$2" || true) s"
}

tap_report() {	# tap_report OUTDIR ENV_ERROR GUEST GUEST_LIMIT STEP...
	local dir=$1 env_error=$2 guest=$3 limit=$4 s f
	shift 4
	for f in "$dir"/results/boot-*.dmesg; do
		[ -e "$f" ] || continue
		tap_boot "$dir" "$f"
	done
	for s in "$@"; do
		tap_scenario "$dir" "$s"
	done
	tap_time "$guest" boot "$(cat "$dir/boot-seconds" 2>/dev/null)" "$(budget_boot_limit "$guest")"
	for s in "$@"; do
		tap_time "$guest" "$s" "$(cat "$dir/results/$s.seconds" 2>/dev/null)" "$(budget_limit "$guest" "$s")"
	done
	echo "# time: $guest prepare $(cat "$dir/prepare-seconds" 2>/dev/null || echo -) s"
	echo "# time: $guest guest $(cat "$dir/guest-seconds" 2>/dev/null || echo -) s, limit $limit s"
	if [ -n "$env_error" ]; then
		tap_line not-ok "environment: $env_error"
		tap_attach "$dir/console.log" 80
		tap_attach "$dir/qemu.log" 20
	fi
	echo "1..$tap_n"
	[ $tap_failed = 0 ]
}
