# shellcheck shell=sh
# Sourced on the host (lib/tap.sh) and in the guest (shutdown-race reads
# the log of a shutdown, which no scenario's kernel log holds).

# Kernel messages that fail a run once our module may be loaded.  Stock
# kernels print them only for real bugs; the debug kernel adds KASAN,
# lockdep, hung-task, kmemleak, debugobjects and list-debugging reports
# (DEBUG_KOBJECT_RELEASE errors surface as KASAN use-after-free reports).
# shellcheck disable=SC2034 # used by the files sourcing this one
KERNEL_REPORT_RE='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|circular locking|recursive locking|inconsistent lock state|lock held when returning|blocked for more than|kmemleak:.*suspected|refcount_t:|ODEBUG:|list_(add|del) corruption|cannot create duplicate filename'
