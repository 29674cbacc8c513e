#!/bin/sh
# Benchmarks (meson suite "bench", tests/bench/): the same edu device
# alternately on plain vfio-pci and wrapped as an mdev, in interleaved
# rounds.  Raw figures go to $VMTEST_OUT/bench/*.json for
# tests/bench/bench-report; the TAP here only says that each measurement
# ran: no timing is ever a failure.
#
# Counts are small by default; the host may change them with
# tests/vm/run.sh --env BENCH_ROUNDS=N (and so on, below;
# tests/bench/run.sh --set rounds=N does that).  boot=1 (not in the
# test suite's run: three full boots under TCG) adds item 7, three reboots: the time from udev coldplug to every
# auto-start mdev active, for 1 and 2 edus and for 7 igb VFs.
#
# Functions named in variables ("$1_up") or run through check are reached.
# shellcheck disable=SC2317
. "$(dirname "$0")/../guest/lib.sh"
. "$(dirname "$0")/../guest/libvirt.sh"

# num VALUE DEFAULT: VALUE if it is a number, else DEFAULT.
num() { case $1 in '' | *[!0-9]*) echo "$2" ;; *) echo "$1" ;; esac; }
rounds=$(num "${BENCH_ROUNDS:-}" 10)
iterations=$(num "${BENCH_ITERATIONS:-}" 100000)
samples=$(num "${BENCH_SAMPLES:-}" 10)
dma_size=$(num "${BENCH_DMA_SIZE:-}" 4096)
ready_samples=$(num "${BENCH_READY_SAMPLES:-}" 15)
virsh_samples=$(num "${BENCH_VIRSH_SAMPLES:-}" 4)
tool_samples=$(num "${BENCH_TOOL_SAMPLES:-}" 20)
boot=$(num "${BENCH_BOOT:-}" 0)

BENCH=$VMTEST_OUT/bench
mkdir -p "$BENCH"
edu=$(pci_find 1234:11e8 | sed -n 1p)
edu2=$(pci_find 1234:11e8 | sed -n 2p)
pf=$(pci_find 8086:10c9 | sed -n 1p)
group=$(pci_group "$edu")
[ -s "$T_STATE/uuid" ] || new_uuid >"$T_STATE/uuid"
uuid=$(cat "$T_STATE/uuid")

# Timing inside one bash process: $EPOCHREALTIME costs no fork, which
# under TCG would cost more than some of what is measured.
#   usec CMD...         run CMD (stdin from $STDIN, output dropped), print
#                       its wall time in µs; fail if CMD does, unless its
#                       status is $EXPECT
#   ready DRIVER        from "no driver" to a usable VFIO device: DRIVER
#                       vfio-pci (group node and vfio-dev class device)
#                       or vfio-mdev-pci (the same, for the new mdev)
cat >"$T_STATE/timing.bash" <<'EOT'
set -u
us() { local t=${1/[.,]/}; echo "${t#0}"; }
usec() {
	local t0 t1 rc=0
	t0=$EPOCHREALTIME
	"$@" <"${STDIN:-/dev/null}" >/dev/null 2>"$ERR" || rc=$?
	t1=$EPOCHREALTIME
	[ "$rc" = "${EXPECT:-0}" ] || { echo "exit status $rc" >&2; cat "$ERR" >&2; return 1; }
	echo $(($(us "$t1") - $(us "$t0")))
}
ready() {
	local sys=/sys/bus/pci/devices/$BDF vdev t0 t1 end
	vdev=$sys/vfio-dev
	[ "$1" = vfio-mdev-pci ] && vdev=/sys/bus/mdev/devices/$UUID/vfio-dev
	t0=$EPOCHREALTIME
	echo "$1" >"$sys/driver_override" || return 1
	# drivers_probe fails for a device that no driver took; the wait
	# below tells.
	echo "$BDF" >/sys/bus/pci/drivers_probe 2>/dev/null
	if [ "$1" = vfio-mdev-pci ]; then
		echo "$UUID" >"$sys/mdev_supported_types/vfio-mdev-pci-type1/create" || return 1
	fi
	end=$(($(us "$t0") + 10000000))
	until [ -e "/dev/vfio/$GROUP" ] && compgen -G "$vdev/vfio*" >/dev/null; do
		[ "$(us "$EPOCHREALTIME")" -lt "$end" ] || { echo "not ready after 10 s" >&2; return 1; }
	done
	t1=$EPOCHREALTIME
	echo $(($(us "$t1") - $(us "$t0")))
}
"$@"
EOT
# timing FUNCTION ARGS...: run one of them; $t_stdin and $t_expect are
# usec's STDIN and EXPECT.
timing() {
	ERR=$T_STATE/timing.err BDF=$edu UUID=$uuid GROUP=$group \
		STDIN=${t_stdin:-/dev/null} EXPECT=${t_expect:-0} \
		bash "$T_STATE/timing.bash" "$@"
}
# ms MICROSECONDS: as milliseconds with three decimals.
ms() { echo "$1" | awk '{ printf "%.3f\n", $1 / 1000 }'; }

# json_str TEXT: TEXT made safe to put between JSON quotes.
json_str() { printf '%s' "$*" | tr -c 'A-Za-z0-9 .,:;_/=()@+-' ' ' | cut -c1-300; }
# series NAME METRIC PATH UNIT VALUES: one series of samples (VALUES
# separated by blanks or newlines), as a file.
series() {
	printf '{"metric": "%s", "path": "%s", "unit": "%s", "values": [%s]}\n' \
		"$2" "$3" "$4" "$(echo "$5" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /, /g')" \
		>"$BENCH/$1.json"
}
# missing NAME METRIC PATH UNIT REASON: a measurement that could not be made.
missing() {
	printf '{"metric": "%s", "path": "%s", "unit": "%s", "missing": "%s"}\n' \
		"$2" "$3" "$4" "$(json_str "$5")" >"$BENCH/$1.json"
}

# quiesce: let udev and our units finish what a bind set off (the change
# uevent of a new mdev parent starts vfio-mdev-pci-start@), so that no
# measurement shares the CPU with them.
quiesce() {
	udevadm settle -t 60
	wait_for 60 sh -c "! systemctl list-units --no-legend --state=activating 'vfio-mdev-pci-*' | grep -q ."
}
# Each path: "up" makes the device a usable VFIO device, "down" returns it
# to no driver; DEV is the name a VFIO user opens.
pci_up() { pci_bind "$edu" vfio-pci && wait_for 10 test -e "/dev/vfio/$group"; }
pci_down() { pci_unbind "$edu"; }
mdev_up() { pci_bind "$edu" vfio-mdev-pci && mdev_create "$edu" "$uuid"; }
mdev_down() {
	if mdev_exists "$uuid"; then mdev_remove "$uuid" || return 1; fi
	pci_unbind "$edu"
}
dev_of() { if [ "$1" = mdev ]; then echo "$uuid"; else echo "$edu"; fi; }
# order N: the two paths, the first one alternating round by round.
order() { if [ $(($1 % 2)) = 1 ]; then echo "pci mdev"; else echo "mdev pci"; fi; }

# Items 1-5: one vfio-client round per path and round.
client_round() {	# client_round PATH ROUND
	_f=$BENCH/client-$1-r$2.json
	"$1_up" || { echo "$1 path: device not ready"; "$1_down"; return 1; }
	quiesce
	_rc=0
	"$VFIO_CLIENT" bench "$(dev_of "$1")" --rounds 1 --iterations "$iterations" \
		--samples "$samples" --dma-size "$dma_size" >"$_f.tmp" || _rc=$?
	"$1_down" || { echo "$1 path: device not released"; return 1; }
	[ "$_rc" = 0 ] && mv "$_f.tmp" "$_f"
}

# Item 6: from no driver to a usable VFIO device.
ready_sample() {	# ready_sample PATH: appends to $T_STATE/ready-PATH
	quiesce
	_drv=vfio-pci
	[ "$1" = mdev ] && _drv=vfio-mdev-pci
	_us=$(timing ready "$_drv")
	_rc=$?
	"$1_down" || { echo "$1 path: device not released"; return 1; }
	[ "$_rc" = 0 ] || return 1
	ms "$_us" >>"$T_STATE/ready-$1"
}

# Item 8: virsh start --paused of a domain holding the device.
virsh_sample() {	# virsh_sample PATH [warm-up]: appends to $T_STATE/virsh-PATH
	# (a warm-up sample does not)
	"$1_up" || { echo "$1 path: device not ready"; "$1_down"; return 1; }
	quiesce
	_rc=0
	_t0=$(date +%s%N)
	$VIRSH start --paused "bench-$1" >"$T_STATE/virsh.out" 2>&1 || _rc=$?
	_t1=$(date +%s%N)
	$VIRSH destroy "bench-$1" >/dev/null 2>&1
	"$1_down" || { echo "$1 path: device not released"; return 1; }
	[ "$_rc" = 0 ] || { cat "$T_STATE/virsh.out"; return 1; }
	[ -n "${2:-}" ] || ms $(((_t1 - _t0) / 1000)) >>"$T_STATE/virsh-$1"
}

# Item 9: the tool, per call: wall time (bash) and peak RSS (time(1)).
tool_cost() {	# tool_cost NAME EXPECT STDIN CMD...
	_name=$1 t_expect=$2 t_stdin=$3
	shift 3
	_wall='' _rss=''
	_i=0
	while [ "$_i" -lt "$tool_samples" ]; do
		_us=$(timing usec "$@") || return 1
		_rc=0
		/usr/bin/time -f '%e %M' -o "$T_STATE/time.out" "$@" \
			<"$t_stdin" >/dev/null 2>&1 || _rc=$?
		[ "$_rc" = "$t_expect" ] || { echo "exit status $_rc, expected $t_expect"; return 1; }
		_wall="$_wall $(ms "$_us")"
		_rss="$_rss $(tail -n1 "$T_STATE/time.out" | cut -d' ' -f2)"
		_i=$((_i + 1))
	done
	series "tool-$_name-wall" "tool_${_name}_wall_ms" tool ms "$_wall"
	series "tool-$_name-rss" "tool_${_name}_peak_rss_kib" tool KiB "$_rss"
}

# interleave NAME METRIC SAMPLES WHAT: SAMPLES samples per path of
# NAME_sample PATH (which appends one value to $T_STATE/NAME-PATH), the
# paths alternating; one result, and the series (or why it is missing).
interleave() {
	: >"$T_STATE/$1-pci"
	: >"$T_STATE/$1-mdev"
	_s=1
	while [ $_s -le "$3" ]; do
		for _p in $(order $_s); do
			if ! "$1_sample" "$_p" >"$T_STATE/out" 2>&1; then
				not_ok "$4: sample $_s, $_p path"
				_t_show
				missing "$1-pci" "$2" pci ms "sample $_s of the $_p path failed"
				return
			fi
		done
		_s=$((_s + 1))
	done
	ok "$4: $3 samples per path"
	series "$1-pci" "$2" pci ms "$(cat "$T_STATE/$1-pci")"
	series "$1-mdev" "$2" mdev ms "$(cat "$T_STATE/$1-mdev")"
}

bench_main() {
	rm -f "$BENCH"/*.json "$T_STATE"/ready-* "$T_STATE"/virsh-*
	diag "edu $edu (group $group), uuid $uuid; rounds $rounds, iterations $iterations, samples $samples, DMA $dma_size bytes"
	printf '{"kernel": "%s", "device": "%s", "group": "%s", "rounds": %s, "iterations": %s, "samples": %s, "dma_bytes": %s, "ready_samples": %s, "virsh_samples": %s, "tool_samples": %s}\n' \
		"$(uname -r)" "$edu" "$group" "$rounds" "$iterations" "$samples" "$dma_size" \
		"$ready_samples" "$virsh_samples" "$tool_samples" >"$BENCH/env.json"
	check "edu $edu has no driver" sh -c "! test -e /sys/bus/pci/devices/$edu/driver"
	check "modules load" sh -c "modprobe vfio-pci && modprobe vfio_mdev_pci"
	quiesce

	_r=1
	while [ $_r -le "$rounds" ]; do
		for _p in $(order $_r); do
			check "round $_r: vfio-client bench, $_p path" client_round "$_p" "$_r"
		done
		_r=$((_r + 1))
	done

	interleave ready make_ready_ms "$ready_samples" "make-ready"

	bench_virsh
	bench_tool
}

# bench_domain NAME HOSTDEV: the issue's domain, and nothing more (no
# spare root ports, which would add to the start time): diskless,
# 128 MiB, type='qemu', q35, the one hostdev.
bench_domain() {
	printf "<domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>%s<controller type='usb' model='none'/><memballoon model='none'/></devices></domain>\n" \
		"$1" "$2"
}
bench_virsh() {
	# shellcheck disable=SC2086 # $VIRSH is a command line
	check "libvirt answers (warm-up)" $VIRSH list --all
	bench_domain bench-pci "$(hostdev_pci "$edu")" >"$T_STATE/bench-pci.xml"
	bench_domain bench-mdev "$(hostdev_mdev "$uuid")" >"$T_STATE/bench-mdev.xml"
	check "define the domains" sh -c "$VIRSH define $T_STATE/bench-pci.xml && $VIRSH define $T_STATE/bench-mdev.xml"
	check "virsh start --paused (warm-up), pci hostdev" virsh_sample pci warm-up
	check "virsh start --paused (warm-up), mdev hostdev" virsh_sample mdev warm-up
	interleave virsh virsh_start_paused_ms "$virsh_samples" "virsh start --paused"
	dom_stop bench-pci
	dom_stop bench-mdev
}

bench_tool() {
	_u=$(new_uuid)
	check "udev-add --check, a device that is not ours" \
		tool_cost udev_add_check_not_ours 0 /dev/null "$VMP" udev-add --check "$edu"
	if check "define --auto (for the next case)" "$VMP" define "$edu" --uuid "$_u" --auto; then
		check "udev-add --check, a device that is ours" \
			tool_cost udev_add_check_ours 0 /dev/null "$VMP" udev-add --check "$edu"
		check "undefine" mdevctl undefine -u "$_u"
	fi
	echo '{}' >"$T_STATE/caps.json"
	check "callout get capabilities" tool_cost callout_get_capabilities \
		0 "$T_STATE/caps.json" "$VMP" callout -t "$MDEV_TYPE" \
		-e get -a capabilities -s none -u "$_u" -p "$edu"
	check "callout for a foreign type exits 2" tool_cost callout_foreign_type \
		2 "$T_STATE/caps.json" "$VMP" callout -t other \
		-e get -a capabilities -s none -u "$_u" -p "$edu"
}

# Item 7: reboots with persistent definitions.  boot_prepare N defines the
# mdevs for the next boot; $T_STATE/defs lists them, "BDF UUID" a line.
boot_define() {	# boot_define BDF
	_u=$(new_uuid)
	"$VMP" define "$1" --uuid "$_u" --auto && echo "$1 $_u" >>"$T_STATE/defs"
}
boot_prepare() {
	case $1 in
	1)
		: >"$T_STATE/defs"
		boot_define "$edu"
		;;
	2)
		boot_define "$edu2"
		;;
	7)
		# Back to no definitions: this boot counts the VFs alone.
		while read -r _p _u; do
			mdevctl stop -u "$_u"
			mdevctl undefine -u "$_u" || return 1
		done <"$T_STATE/defs"
		: >"$T_STATE/defs"
		# The user's rule (docs/sriov-at-boot.md): 7 VFs at every boot,
		# also when igb binds after the "add" event.
		cat >/etc/udev/rules.d/70-igb-vfs.rules <<'EOT'
ACTION=="add", SUBSYSTEM=="pci", ATTR{vendor}=="0x8086", ATTR{device}=="0x10c9", ATTR{sriov_numvfs}="7"
ACTION=="bind", SUBSYSTEM=="pci", DRIVER=="igb", ATTR{device}=="0x10c9", ATTR{sriov_numvfs}="7"
EOT
		echo 7 >"/sys/bus/pci/devices/$pf/sriov_numvfs" &&
			wait_for 60 test -e "/sys/bus/pci/devices/$pf/virtfn6" || return 1
		udevadm settle -t 60
		for _i in 0 1 2 3 4 5 6; do
			boot_define "$(basename "$(readlink "/sys/bus/pci/devices/$pf/virtfn$_i")")" ||
				return 1
		done
		;;
	esac >"$T_STATE/out" 2>&1
}

# boot_measure N: udev coldplug start -> the last start unit finished,
# from this boot's journal.  Never a failure: a figure that cannot be had
# is recorded as missing, with the reason.
boot_measure() {
	_n=$1 _why='' _t1=0 _tb=0
	[ "$(wc -l <"$T_STATE/defs")" = "$_n" ] ||
		_why="$(wc -l <"$T_STATE/defs") definitions, expected $_n; "
	_t0=$(mono_of 'Starting systemd-udev-trigger|Starting .*Coldplug All udev Devices')
	[ -n "$_t0" ] || _why="${_why}no udev coldplug start in the journal; "
	while read -r _p _u; do
		wait_for 180 mdev_exists "$_u" ||
			_why="${_why}mdev $_u on $_p ($(pci_driver "$_p" || echo no driver)) not active after 180 s; "
		_t=$(mono_of "Finished vfio-mdev-pci-bind@$_p.service")
		[ -z "$_t" ] || _tb=$(echo "$_t $_tb" | awk '{ print ($1 > $2) ? $1 : $2 }')
		_t=$(mono_of "Finished vfio-mdev-pci-start@$_p.service")
		if [ -z "$_t" ]; then
			_why="${_why}no finished vfio-mdev-pci-start@$_p.service in the journal; "
		else
			_t1=$(echo "$_t $_t1" | awk '{ print ($1 > $2) ? $1 : $2 }')
		fi
	done <"$T_STATE/defs"
	if [ -n "$_why" ]; then
		missing "boot-$_n" "boot_${_n}_devices_ms" boot ms "$_why"
		ok "boot with $_n auto mdevs # SKIP not measured: $_why"
		journalctl -b -o short-monotonic --no-pager | grep -E 'vfio-mdev-pci|mdevctl' |
			tail -n 20 | sed 's/^/#   /'
		return
	fi
	_ms=$(echo "$_t1 $_t0" | awk '{ printf "%.0f", ($1 - $2) * 1000 }')
	series "boot-$_n" "boot_${_n}_devices_ms" boot ms "$_ms"
	# Where the time went, for a person (not bench-report: outside bench/).
	printf '{"devices": %s, "coldplug_s": %s, "last_bound_s": %s, "all_active_s": %s, "multi_user_s": "%s"}\n' \
		"$_n" "$_t0" "$_tb" "$_t1" "$(mono_of 'Reached target multi-user.target')" \
		>"$VMTEST_OUT/bench-boot-$_n.json"
	ok "boot with $_n auto mdevs: coldplug at $_t0 s, last parent bound at $_tb s, all active at $_t1 s"
}

boot_next() {	# boot_next N: prepare boot N and reboot, or record why not
	if boot_prepare "$1"; then
		reboot_then "boot$1"
	fi
	not_ok "prepare a boot with $1 auto mdevs"
	_t_show
	missing "boot-$1" "boot_$1_devices_ms" boot ms "preparing the boot failed: $(tail -n 3 "$T_STATE/out")"
}

case $(phase) in
start)
	bench_main
	if [ "$boot" = 1 ]; then
		boot_next 1
	else
		for _n in 1 2 7; do
			missing "boot-$_n" "boot_${_n}_devices_ms" boot ms \
				"not asked for: three reboots (tests/bench/run.sh --boot)"
		done
	fi
	;;
boot1)
	boot_measure 1
	boot_next 2
	;;
boot2)
	boot_measure 2
	boot_next 7
	;;
boot7)
	boot_measure 7
	while read -r _p _u; do
		mdevctl stop -u "$_u" >/dev/null 2>&1
		mdevctl undefine -u "$_u"
	done <"$T_STATE/defs"
	rm -f /etc/udev/rules.d/70-igb-vfs.rules
	;;
esac
done_testing
