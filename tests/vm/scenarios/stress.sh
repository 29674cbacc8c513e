#!/bin/sh
# Races for a bounded time (STRESS_SECONDS, default 60): one process opens
# and closes the mdev, or holds it with its request eventfd armed, over and
# over; another creates and removes it and unbinds and rebinds its parent.
# Single opens fail when they meet a removal; that is the race, not an
# error.  Nothing may hang (every step is bounded) and the kernel log must
# stay clean (the harness checks it).  Afterwards the device must work,
# and, where the kernel has kmemleak, a scan must find no leak.
. "$(dirname "$0")/../guest/lib.sh"

edu=$(pci_find 1234:11e8 | sed -n 1p)
seconds=${STRESS_SECONDS:-60}
uuid=$(new_uuid)
stop=$T_STATE/stop
opens=$T_STATE/opens
bound=60	# seconds any single step may take
unbind_dir=/sys/bus/pci/drivers/vfio-mdev-pci
diag "racing on edu $edu, mdev $uuid, for $seconds s"

# opener: open/close and hold-until-asked, alternately, until told to
# stop; one line per attempt: open-ok, open-failed, released (on the
# kernel's request), held (1 s, nobody asked), hold-failed, hung.
opener() {
	_n=0
	while [ ! -e "$stop" ]; do
		_n=$((_n + 1))
		if [ $((_n % 2)) = 0 ]; then
			_rc=0
			timeout "$bound" "$VFIO_CLIENT" open "$uuid" >/dev/null 2>&1 || _rc=$?
			case $_rc in
			0) echo open-ok ;;
			124) echo hung ;;
			*) echo open-failed ;;
			esac
		else
			_rc=0
			timeout "$bound" "$VFIO_CLIENT" hold "$uuid" --seconds 1 --msi \
				>/dev/null 2>&1 || _rc=$?
			case $_rc in
			0) echo released ;;
			3) echo held ;;
			124) echo hung ;;
			*) echo hold-failed ;;
			esac
		fi
	done >"$opens"
}

# step NAME SCRIPT: one bounded step of the churner, counted by outcome.
step() {
	_rc=0
	timeout "$bound" sh -c "$2" >/dev/null 2>&1 || _rc=$?
	case $_rc in
	0) echo "$1-ok" ;;
	124) echo "$1-hung" ;;
	*) echo "$1-failed" ;;
	esac
}
create="echo $uuid >$(mdev_type_dir "$edu")/create"
remove="echo 1 >/sys/bus/mdev/devices/$uuid/remove"
unbind="echo $edu >$unbind_dir/unbind"
# driver_override still names us: a probe rebinds.
rebind="echo $edu >/sys/bus/pci/drivers_probe; test -e $unbind_dir/$edu"

check "wrap $edu" wrap "$edu"
rm -f "$stop"
opener &
opener_pid=$!

churn=$T_STATE/churn
end=$(($(date +%s) + seconds))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	i=$((i + 1))
	step create "$create"
	# Give the opener a window in which the mdev exists.
	sleep "0.$(($(od -An -N1 -tu1 /dev/urandom) % 10))"
	if [ $((i % 3)) = 0 ]; then
		# The parent goes while its mdev exists (perhaps opened).
		step unbind "$unbind"
		step rebind "$rebind"
	else
		step remove "$remove"
	fi
done >"$churn"
: >"$stop"
check "opener stops" timeout $((bound + 10)) sh -c "while kill -0 $opener_pid 2>/dev/null; do sleep 0.2; done"
wait "$opener_pid" 2>/dev/null

count() { grep -cx "$1" "$2" || true; }
diag "$i churn cycles in $seconds s:" \
	"create $(count create-ok "$churn") ok/$(count create-failed "$churn") failed," \
	"remove $(count remove-ok "$churn") ok/$(count remove-failed "$churn") failed," \
	"unbind $(count unbind-ok "$churn") ok/$(count unbind-failed "$churn") failed," \
	"rebind $(count rebind-ok "$churn") ok/$(count rebind-failed "$churn") failed"
diag "$(wc -l <"$opens") opener attempts:" \
	"open $(count open-ok "$opens") ok/$(count open-failed "$opens") failed," \
	"hold $(count released "$opens") released on request/$(count held "$opens") held 1 s/$(count hold-failed "$opens") failed"
check "no churn step hung" sh -c "! grep -q hung '$churn'"
check "no open or hold hung" sh -c "! grep -q hung '$opens'"
check "the mdev was created and removed at least once each" \
	sh -c "grep -qx create-ok '$churn' && grep -qx remove-ok '$churn'"
check "the parent was unbound and rebound at least once each" \
	sh -c "grep -qx unbind-ok '$churn' && grep -qx rebind-ok '$churn'"
# A hold that was asked for the device back, or held it for its second,
# had it open as much as an open that closed it itself.
check "the mdev was opened at least once" grep -qxE 'open-ok|released|held' "$opens"
check "every rebind succeeded" sh -c "! grep -qx rebind-failed '$churn'"

# The device works after the races.
mdev_exists "$uuid" || driver_is "$edu" vfio-mdev-pci || pci_bind "$edu" vfio-mdev-pci
mdev_exists "$uuid" || mdev_create "$edu" "$uuid"
check_tap "device works after the races" "$VFIO_CLIENT" test "$uuid" --tests open,dma,msi
check "remove" mdev_remove "$uuid"
check "parent released" pci_unbind "$edu"
check "module unloads" modprobe -r vfio_mdev_pci

kmemleak_check
done_testing
