#!/bin/bash
# prepare.sh [--no-debug]: build (once; cached by their inputs) what the
# VM and build suites use: the trixie and sid images (image.sh), the
# chroots that build their packages (tests/build/debs-chroot.sh) and the
# debug kernel (kernel-build.sh, in the Debian 13 tool chroot that
# checkpatch uses too), side by side: the image builds mostly wait on the
# network while the kernel build keeps both cores busy.  TAP, one result
# per artefact with the seconds it took (about 0 when cached).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"

debug=1
[ "${1:-}" != --no-debug ] || debug=

jobs=(image-trixie image-sid debs-chroot-trixie debs-chroot-sid)
[ -z "$debug" ] || jobs+=(debug-kernel)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pids
for j in "${jobs[@]}"; do
	case $j in
	image-*) cmd=("$VM_DIR/image.sh" "${j#image-}") ;;
	debs-chroot-*) cmd=(sh "$SRC_ROOT/tests/build/debs-chroot.sh" "${j#debs-chroot-}") ;;
	*-kernel) cmd=("$VM_DIR/kernel-build.sh" "${j%-kernel}") ;;
	esac
	(
		start=$SECONDS
		rc=0
		"${cmd[@]}" >"$logs/$j.out" 2>"$logs/$j.err" || rc=$?
		echo "$rc $((SECONDS - start))" >"$logs/$j.rc"
	) &
	pids[$j]=$!
done

n=0
failed=0
for j in "${jobs[@]}"; do
	wait "${pids[$j]}"
	read -r rc secs <"$logs/$j.rc"
	n=$((n + 1))
	if [ "$rc" = 0 ]; then
		echo "ok $n - $j: $(cat "$logs/$j.out")"
	else
		echo "not ok $n - $j (exit $rc)"
		tail -n 40 "$logs/$j.err" | sed 's/^/#   /'
		failed=1
	fi
	echo "# time: prepare $j $secs s"
done
echo "1..$n"
exit $failed
