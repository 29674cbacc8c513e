# shellcheck shell=bash
# Merge the guest's per-scenario TAP files into one TAP stream.

# Kernel messages that fail a run wherever they appear.
KERNEL_REPORT_RE='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|circular locking|recursive locking|inconsistent lock state|lock held when returning|blocked for more than|kmemleak:.*suspected|refcount_t:'

tap_n=0
tap_failed=0
tap_line() {	# tap_line ok|not-ok DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $tap_n - $2"
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
		echo "$reports" | head -20 | sed 's/^/#   /'
		bad=1
	else
		tap_line ok "$name: kernel log has no warnings"
	fi
	if [ $bad = 1 ]; then
		tap_attach "$dir/results/$name.log" 40
		tap_attach "$dir/results/$name.dmesg" 80
	fi
}

tap_report() {	# tap_report OUTDIR ENV_ERROR SCENARIO...
	local dir=$1 env_error=$2 s f
	shift 2
	for f in "$dir"/results/boot-*.dmesg; do
		[ -e "$f" ] || continue
		s=$(basename "$f" .dmesg)
		if grep -qE "$KERNEL_REPORT_RE" "$f"; then
			tap_line not-ok "$s: kernel log has no warnings"
			grep -E "$KERNEL_REPORT_RE" "$f" | head -20 | sed 's/^/#   /'
		else
			tap_line ok "$s: kernel log has no warnings"
		fi
	done
	for s in install "$@"; do
		tap_scenario "$dir" "$s"
	done
	if [ -n "$env_error" ]; then
		tap_line not-ok "environment: $env_error"
		tap_attach "$dir/console.log" 80
		tap_attach "$dir/qemu.log" 20
	fi
	echo "1..$tap_n"
	[ $tap_failed = 0 ]
}
