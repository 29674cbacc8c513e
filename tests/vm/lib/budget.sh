# shellcheck shell=bash
# Limits derived from the time budget (tests/vm/budget.txt): what each
# step of each guest took in a reference run, times a headroom that covers
# a machine 1.5 times slower with three guests on two cores, plus a fixed
# slack for steps that are short and noisy.  VMTEST_HEADROOM changes the
# factor (a percentage).

BUDGET_FILE=$VM_DIR/budget.txt
BUDGET_HEADROOM=${VMTEST_HEADROOM:-300}
BUDGET_SLACK=60

# budget_measured GUEST STEP: the reference seconds, empty if unknown.
budget_measured() {
	awk -v g="$1" -v s="$2" '$1 == g && $2 == s { print $3; exit }' "$BUDGET_FILE"
}

# budget_limit GUEST STEP: the step's limit in seconds; a step with no
# reference gets 1200.
budget_limit() {
	local m
	m=$(budget_measured "$1" "$2")
	[ -n "$m" ] || { echo 1200; return; }
	echo $((m * BUDGET_HEADROOM / 100 + BUDGET_SLACK))
}

budget_boot_limit() { budget_limit "$1" boot; }

# budget_guest_limit GUEST STEP...: every boot's and step's limit added up
# (a scenario that reboots is counted once per boot it asks for in the
# budget file as "reboots").
budget_guest_limit() {
	local guest=$1 total reboots s
	shift
	reboots=$(budget_measured "$guest" reboots)
	total=$(( $(budget_boot_limit "$guest") * (1 + ${reboots:-0}) ))
	for s in "$@"; do
		total=$((total + $(budget_limit "$guest" "$s")))
	done
	echo "$total"
}
