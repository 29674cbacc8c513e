// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client hold: keep a device open the way QEMU does, with the
 * request eventfd armed, until the kernel asks for the device back.
 *
 * Scenarios use it for "remove the mdev while a client holds it" (the
 * kernel signals the request eventfd; we close and the removal completes)
 * and "rmmod is refused while the device is open" (they end us with
 * SIGTERM afterwards).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cmd.h"
#include "tap.h"
#include "vfio.h"

#define HOLD_MAX_SECONDS (7 * 24 * 3600ul)	/* keeps poll()'s ms in an int */

enum outcome {
	HELD_REQUEST,
	HELD_SIGNAL,
	HELD_TIMEOUT,
	HELD_ERROR,
};

static int arm(int fd, __u32 index, const char *what, int *efd,
	       struct vc_err *err)
{
	struct vfio_irq_info info;

	*efd = -1;
	if (vc_irq_info(fd, index, &info, err))
		return -1;
	if (!info.count)
		return vc_fail(err, "%s: VFIO_DEVICE_GET_IRQ_INFO reports no vector",
			       what);
	if (vc_eventfd(efd, err))
		return -1;
	return vc_irq_set_eventfd(fd, index, *efd, err);
}

/* Written aside and renamed into place: whoever sees PATH sees our pid. */
static int write_ready(const char *path, struct vc_err *err)
{
	char tmp[PATH_MAX], line[32];
	int fd, len;

	if (vc_path(tmp, sizeof(tmp), err, "%s.tmp", path))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return vc_fail_errno(err, "open %s", tmp);
	len = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (write(fd, line, (size_t)len) != len) {
		vc_fail_errno(err, "write %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd)) {
		vc_fail_errno(err, "close %s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		vc_fail_errno(err, "rename %s to %s", tmp, path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static enum outcome wait_release(int req_fd, int sig_fd,
				 unsigned long seconds, int *signo,
				 struct vc_err *err)
{
	uint64_t deadline = vc_now_ns() + (uint64_t)seconds * 1000000000;
	struct pollfd pfd[2] = {
		{ .fd = req_fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	uint64_t now, count;
	int ret;

	for (;;) {
		now = vc_now_ns();
		if (now >= deadline)
			return HELD_TIMEOUT;
		ret = poll(pfd, 2, (int)((deadline - now + 999999) / 1000000));
		if (ret < 0 && errno != EINTR) {
			vc_fail_errno(err, "poll");
			return HELD_ERROR;
		}
		if (ret <= 0)
			continue;
		/* A request wins over a signal that came at the same time. */
		if (pfd[0].revents) {
			if (read(req_fd, &count, sizeof(count)) != sizeof(count)) {
				vc_fail_errno(err, "read request eventfd");
				return HELD_ERROR;
			}
			return HELD_REQUEST;
		}
		if (read(sig_fd, &si, sizeof(si)) != sizeof(si)) {
			vc_fail_errno(err, "read signalfd");
			return HELD_ERROR;
		}
		*signo = (int)si.ssi_signo;
		return HELD_SIGNAL;
	}
}

int cmd_hold(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "msi", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, fd, sig_fd, req_fd = -1, msi_fd = -1, signo = 0;
	int rc = VC_EXIT_FAIL;
	unsigned long seconds = 60;
	const char *ready = NULL;
	struct tap tap = { 0 };
	struct vc_session s;
	struct vc_err err;
	struct vc_dev dev;
	bool msi = false;
	sigset_t mask;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (vc_parse_ulong(optarg, 1, HOLD_MAX_SECONDS, &seconds))
				return vc_usage("hold", "--seconds must be 1..%lu",
						HOLD_MAX_SECONDS);
			break;
		case 'r':
			if (!*optarg)
				return vc_usage("hold", "--ready-file needs a path");
			ready = optarg;
			break;
		case 'm':
			msi = true;
			break;
		case 'h':
			return vc_help("hold");
		default:
			return vc_bad_option("hold", c, argv);
		}
	}
	if (argc - optind != 1)
		return vc_usage("hold", "expected one DEVICE");
	if (vc_dev_parse(argv[optind], &dev, &err))
		return vc_usage("hold", "%s", err.msg);

	/*
	 * Block SIGTERM and SIGINT before anything is opened: one that comes
	 * early then waits in the signalfd instead of killing us halfway.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		perror("vfio-client hold: sigprocmask");
		return VC_EXIT_FAIL;
	}
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sig_fd < 0) {
		perror("vfio-client hold: signalfd");
		return VC_EXIT_FAIL;
	}

	vc_session_init(&s);
	if (vc_session_open(&s, &dev, 1, tap_step, &tap, &err)) {
		tap_result(&tap, false, "%s", err.msg);
		goto out_close;
	}
	fd = s.devices[0].fd;

	if (arm(fd, VFIO_PCI_REQ_IRQ_INDEX, "REQ", &req_fd, &err)) {
		tap_result(&tap, false, "%s", err.msg);
		goto out_close;
	}
	tap_result(&tap, true, "%s: request eventfd armed", dev.name);
	if (msi) {
		if (arm(fd, VFIO_PCI_MSI_IRQ_INDEX, "MSI", &msi_fd, &err)) {
			tap_result(&tap, false, "%s", err.msg);
			goto out_close;
		}
		tap_result(&tap, true, "%s: MSI enabled", dev.name);
	}
	if (ready && write_ready(ready, &err)) {
		tap_result(&tap, false, "%s", err.msg);
		goto out_close;
	}
	tap_diag("holding %s for up to %lu s (pid %d)", dev.name, seconds,
		 (int)getpid());

	switch (wait_release(req_fd, sig_fd, seconds, &signo, &err)) {
	case HELD_REQUEST:
		s.going = true;
		tap_diag("request received");
		tap_result(&tap, true, "%s: released on the kernel's request",
			   dev.name);
		rc = VC_EXIT_OK;
		break;
	case HELD_SIGNAL:
		tap_diag("terminated by %s",
			 signo == SIGINT ? "SIGINT" : "SIGTERM");
		rc = VC_EXIT_OK;
		break;
	case HELD_TIMEOUT:
		tap_diag("timeout: no request within %lu s", seconds);
		tap_result(&tap, false, "%s: no request within %lu s",
			   dev.name, seconds);
		rc = VC_EXIT_TIMEOUT;
		break;
	case HELD_ERROR:
		tap_result(&tap, false, "%s", err.msg);
		break;
	}

out_close:
	/*
	 * Closing the device fd is what the kernel waits for; it also tears
	 * down MSI and the request trigger, so they need no ioctl first.
	 */
	if (msi_fd >= 0)
		close(msi_fd);
	if (req_fd >= 0)
		close(req_fd);
	if (vc_session_close(&s, &err)) {
		tap_result(&tap, false, "close: %s", err.msg);
		rc = VC_EXIT_FAIL;
	}
	close(sig_fd);
	tap_plan(tap.n);
	return rc;
}
