// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client test: the test cases, run in a fixed order, as TAP.
 *
 * Each case names what it needs (an open device, an edu with BAR0 mapped
 * and decoding on); that is set up on first use, so any subset of cases
 * runs on its own. A case whose prerequisite failed is "not ok", never a
 * skip: skips are only for what the device really does not have.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "cmd.h"
#include "edu.h"
#include "tap.h"
#include "vfio.h"

#define IRQ_TIMEOUT_MS	2000
#define MSI_ROUNDS	3
#define INTX_ROUNDS	2	/* the second proves that the unmask worked */

enum result {
	T_PASS,
	T_FAIL,
	T_SKIP,
};

enum need {
	NEED_NOTHING,
	NEED_DEVICE,	/* the device fd */
	NEED_EDU,	/* an edu, decoding on, BAR0 mapped */
};

struct tctx {
	struct vc_dev dev;
	unsigned int dma_size;
	struct vc_session s;
	int fd;				/* the device's fd, -1 until open */
	bool open_tried;
	struct vc_err open_err;
	struct vc_pci pci;
	bool pci_ready;
	struct vfio_device_info info;
	bool info_ready;
	bool enabled;			/* memory decoding and bus master on */
	struct vc_bar bar0;
	struct edu edu;
	/* What sysfs, not VFIO, says about the device. */
	bool ids_tried;
	bool ids_ok;
	struct vc_err ids_err;
	char bdf[VC_BDF_LEN + 1];	/* the PCI device (an mdev's parent) */
	uint16_t vendor;
	uint16_t device;
};

struct test_case {
	const char *name;
	const char *summary;
	enum need need;
	enum result (*run)(struct tctx *t, struct vc_err *why);
};

static enum result tfail(struct vc_err *why, const char *fmt, ...)
	VC_PRINTF(2, 3);

static enum result tfail(struct vc_err *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
	va_end(ap);
	return T_FAIL;
}

static void diag_step(void *arg, const char *step)
{
	(void)arg;
	tap_diag("%s", step);
}

static int device_open(struct tctx *t, bool verbose, struct vc_err *err)
{
	if (t->fd >= 0)
		return 0;
	if (t->open_tried)
		return vc_fail(err, "not run: the device did not open (%s)",
			       t->open_err.msg);
	t->open_tried = true;
	if (vc_session_open(&t->s, &t->dev, 1, verbose ? diag_step : NULL,
			    NULL, &t->open_err)) {
		*err = t->open_err;
		return -1;
	}
	t->fd = t->s.devices[0].fd;
	return 0;
}

static int sysfs_ids(struct tctx *t, struct vc_err *err)
{
	if (!t->ids_tried) {
		t->ids_tried = true;
		t->ids_ok = !vc_dev_pci_name(&t->dev, t->bdf, &t->ids_err) &&
			    !vc_pci_ids(t->bdf, &t->vendor, &t->device,
					&t->ids_err);
	}
	if (!t->ids_ok) {
		*err = t->ids_err;
		return -1;
	}
	return 0;
}

static int device_info(struct tctx *t, struct vc_err *err)
{
	if (!t->info_ready && vc_device_info(t->fd, &t->info, err))
		return -1;
	t->info_ready = true;
	return 0;
}

static int pci_ready(struct tctx *t, struct vc_err *err)
{
	if (!t->pci_ready && vc_pci_init(&t->pci, t->fd, err))
		return -1;
	t->pci_ready = true;
	return 0;
}

static int device_enable(struct tctx *t, uint32_t *cmd, struct vc_err *err)
{
	if (pci_ready(t, err) || vc_pci_enable(&t->pci, cmd, err))
		return -1;
	t->enabled = true;
	return 0;
}

static int bar0_map(struct tctx *t, struct vc_err *err)
{
	if (t->bar0.addr)
		return 0;
	if (vc_bar_map(t->fd, VFIO_PCI_BAR0_REGION_INDEX, &t->bar0, err))
		return -1;
	t->edu.regs = t->bar0.addr;
	return 0;
}

static int edu_ready(struct tctx *t, struct vc_err *err)
{
	uint32_t cmd;

	if (!t->enabled && device_enable(t, &cmd, err))
		return -1;
	if (bar0_map(t, err))
		return -1;
	if (t->bar0.size < EDU_BAR_MIN_SIZE)
		return vc_fail(err, "BAR0 has %zu bytes, an edu has at least %u",
			       t->bar0.size, EDU_BAR_MIN_SIZE);
	return 0;
}

static enum result prepare(struct tctx *t, enum need need,
			   struct vc_err *why)
{
	if (need == NEED_EDU) {
		/*
		 * sysfs, not VFIO, says what the device is: a broken VFIO
		 * path must fail the edu cases, not turn them into skips.
		 */
		if (sysfs_ids(t, why))
			return T_FAIL;
		if (!edu_ids(t->vendor, t->device)) {
			vc_fail(why, "not an edu (%04x:%04x): %s is %04x:%04x",
				EDU_VENDOR, EDU_DEVICE, t->bdf, t->vendor,
				t->device);
			return T_SKIP;
		}
	}
	if (need != NEED_NOTHING && device_open(t, false, why))
		return T_FAIL;
	if (need == NEED_EDU && edu_ready(t, why))
		return T_FAIL;
	return T_PASS;
}

static enum result t_open(struct tctx *t, struct vc_err *why)
{
	return device_open(t, true, why) ? T_FAIL : T_PASS;
}

static enum result t_info(struct tctx *t, struct vc_err *why)
{
	struct vfio_device_info *info = &t->info;

	if (device_info(t, why))
		return T_FAIL;
	tap_diag("flags 0x%x (%s%s), %u regions, %u irqs", info->flags,
		 info->flags & VFIO_DEVICE_FLAGS_PCI ? "PCI" : "not PCI",
		 info->flags & VFIO_DEVICE_FLAGS_RESET ? ", reset" : "",
		 info->num_regions, info->num_irqs);
	if (!(info->flags & VFIO_DEVICE_FLAGS_PCI))
		return tfail(why, "VFIO_DEVICE_FLAGS_PCI is not set");
	if (info->num_regions < VFIO_PCI_NUM_REGIONS)
		return tfail(why, "%u regions, vfio-pci has at least %u",
			     info->num_regions, VFIO_PCI_NUM_REGIONS);
	return T_PASS;
}

static enum result t_config(struct tctx *t, struct vc_err *why)
{
	uint32_t vendor, device, hdr, cmd;

	if (pci_ready(t, why))
		return T_FAIL;
	tap_diag("config region: %llu bytes at offset 0x%llx",
		 (unsigned long long)t->pci.size,
		 (unsigned long long)t->pci.offset);

	if (vc_cfg_read(&t->pci, PCI_VENDOR_ID, 2, &vendor, why) ||
	    vc_cfg_read(&t->pci, PCI_DEVICE_ID, 2, &device, why))
		return T_FAIL;
	tap_diag("config space ids %04x:%04x", vendor, device);
	if (!vendor || vendor == 0xffff || !device || device == 0xffff)
		return tfail(why, "implausible ids %04x:%04x", vendor, device);
	if (sysfs_ids(t, why))
		return T_FAIL;
	if (vendor != t->vendor || device != t->device)
		return tfail(why, "config space says %04x:%04x, sysfs of %s says %04x:%04x",
			     vendor, device, t->bdf, t->vendor, t->device);
	tap_diag("ids match sysfs of %s", t->bdf);

	if (vc_cfg_read(&t->pci, PCI_HEADER_TYPE, 1, &hdr, why))
		return T_FAIL;
	tap_diag("header type 0x%02x", hdr);
	/* Bit 7 is multi-function; vfio-pci drives type 0 headers only. */
	if ((hdr & 0x7f) != PCI_HEADER_TYPE_NORMAL)
		return tfail(why, "header type 0x%02x is not a normal (type 0) header",
			     hdr);

	if (device_enable(t, &cmd, why))
		return T_FAIL;
	tap_diag("PCI_COMMAND 0x%04x: memory space and bus master on", cmd);
	return T_PASS;
}

static enum result t_bar0(struct tctx *t, struct vc_err *why)
{
	/* vc_bar_map() insists on VFIO_REGION_INFO_FLAG_MMAP. */
	if (bar0_map(t, why))
		return T_FAIL;
	tap_diag("BAR0: %zu bytes at region offset 0x%llx, flags 0x%x, mapped",
		 t->bar0.size, (unsigned long long)t->bar0.offset,
		 t->bar0.flags);
	return T_PASS;
}

static enum result t_edu_ident(struct tctx *t, struct vc_err *why)
{
	uint32_t ident = edu_read(&t->edu, EDU_REG_IDENT);

	tap_diag("ident 0x%08x", ident);
	if (ident != EDU_IDENT)
		return tfail(why, "register 0x00 reads 0x%08x, expected 0x%08x",
			     ident, EDU_IDENT);
	return T_PASS;
}

static enum result t_edu_liveness(struct tctx *t, struct vc_err *why)
{
	static const uint32_t values[] = {
		0, 0xffffffff, 0x12345678, 0xa5a5a5a5, 0x5a5a5a5a, 0x80000001,
	};
	size_t i;

	for (i = 0; i < VC_ARRAY_SIZE(values); i++)
		if (edu_liveness(&t->edu, values[i], why))
			return T_FAIL;
	tap_diag("%zu values read back inverted", VC_ARRAY_SIZE(values));
	return T_PASS;
}

static enum result t_edu_factorial(struct tctx *t, struct vc_err *why)
{
	uint32_t result;

	if (edu_factorial(&t->edu, 10, &result, why))
		return T_FAIL;
	tap_diag("10! = %u", result);
	if (result != 3628800)
		return tfail(why, "10! reads %u, expected 3628800", result);
	return T_PASS;
}

static enum result t_dma(struct tctx *t, struct vc_err *why)
{
	uint32_t seed = (uint32_t)(vc_now_ns() ^ (uint64_t)getpid());
	struct vc_dma_buf buf;
	struct vc_err err;
	int ret;

	ret = vc_dma_buf_alloc(t->s.container, 2 * edu_dma_half(),
			       EDU_DMA_IOVA, &buf, why);
	if (!ret) {
		edu_dma_fill(buf.addr, seed);
		tap_diag("%u bytes, IOVA 0x%x, pattern seed 0x%08x",
			 t->dma_size, EDU_DMA_IOVA, seed);
		ret = edu_dma_round_trip(&t->edu, EDU_DMA_IOVA, t->dma_size,
					 why);
	}
	if (!ret)
		ret = edu_dma_verify(buf.addr, t->dma_size, why);
	/* Whatever happened: an unmap that fails is worth seeing too. */
	if (vc_dma_buf_free(t->s.container, &buf, &err)) {
		if (ret)
			tap_diag("%s", err.msg);
		else
			*why = err;
		ret = -1;
	}
	if (ret)
		return T_FAIL;
	tap_diag("RAM -> device -> RAM round trip matches");
	return T_PASS;
}

static int irq_round(struct tctx *t, __u32 index, int efd, unsigned int round,
		     struct vc_err *why)
{
	uint64_t start = vc_now_ns(), count;
	uint32_t status;

	edu_write(&t->edu, EDU_REG_IRQ_RAISE, 1);
	if (vc_eventfd_wait(efd, IRQ_TIMEOUT_MS, &count, why))
		return vc_err_prefix(why, "round %u: after raising: ", round);
	status = edu_read(&t->edu, EDU_REG_IRQ_STATUS);
	if (!(status & 1))
		return vc_fail(why, "round %u: IRQ status 0x%x lacks the raised bit 0x1",
			       round, status);
	edu_write(&t->edu, EDU_REG_IRQ_ACK, status);
	/* vfio-pci masks INTx in its handler; the ack lowered the line. */
	if (index == VFIO_PCI_INTX_IRQ_INDEX &&
	    vc_irq_unmask(t->fd, index, why))
		return vc_err_prefix(why, "round %u: ", round);
	tap_diag("round %u: interrupt after %llu us, eventfd count %llu, status 0x%x acked%s",
		 round, (unsigned long long)(vc_now_ns() - start) / 1000,
		 (unsigned long long)count, status,
		 index == VFIO_PCI_INTX_IRQ_INDEX ? ", unmasked" : "");
	return 0;
}

static enum result irq_rounds(struct tctx *t, __u32 index,
			      unsigned int rounds, struct vc_err *why)
{
	enum result res = T_PASS;
	struct vc_err err;
	unsigned int i;
	int efd;

	/* A status left over would fire as soon as the vector is armed. */
	edu_write(&t->edu, EDU_REG_IRQ_ACK, ~0u);
	if (vc_eventfd(&efd, why))
		return T_FAIL;
	if (vc_irq_set_eventfd(t->fd, index, efd, why)) {
		close(efd);
		return T_FAIL;
	}
	for (i = 1; i <= rounds && res == T_PASS; i++)
		if (irq_round(t, index, efd, i, why))
			res = T_FAIL;

	if (vc_irq_disable(t->fd, index, &err)) {
		if (res == T_FAIL) {
			tap_diag("%s", err.msg);
		} else {
			*why = err;
			res = T_FAIL;
		}
	}
	close(efd);
	return res;
}

static enum result t_msi(struct tctx *t, struct vc_err *why)
{
	struct vfio_irq_info info;

	if (vc_irq_info(t->fd, VFIO_PCI_MSI_IRQ_INDEX, &info, why))
		return T_FAIL;
	tap_diag("MSI: %u vector(s), flags 0x%x", info.count, info.flags);
	if (info.count < 1 || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return tfail(why, "MSI: %u vectors, flags 0x%x: expected an eventfd vector",
			     info.count, info.flags);
	return irq_rounds(t, VFIO_PCI_MSI_IRQ_INDEX, MSI_ROUNDS, why);
}

static enum result t_intx(struct tctx *t, struct vc_err *why)
{
	struct vfio_irq_info info;

	if (vc_irq_info(t->fd, VFIO_PCI_INTX_IRQ_INDEX, &info, why))
		return T_FAIL;
	tap_diag("INTx: count %u, flags 0x%x", info.count, info.flags);
	if (info.count != 1 || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return tfail(why, "INTx: count %u, flags 0x%x: expected one eventfd line",
			     info.count, info.flags);
	return irq_rounds(t, VFIO_PCI_INTX_IRQ_INDEX, INTX_ROUNDS, why);
}

static enum result t_reset(struct tctx *t, struct vc_err *why)
{
	uint32_t ident;

	if (device_info(t, why))
		return T_FAIL;
	if (!(t->info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		vc_fail(why, "the device offers no function reset (VFIO_DEVICE_FLAGS_RESET is clear)");
		return T_SKIP;
	}
	if (ioctl(t->fd, VFIO_DEVICE_RESET)) {
		vc_fail_errno(why, "VFIO_DEVICE_RESET");
		return T_FAIL;
	}
	tap_diag("VFIO_DEVICE_RESET done");

	if (sysfs_ids(t, why))
		return T_FAIL;
	if (!edu_ids(t->vendor, t->device))
		return T_PASS;
	if (edu_ready(t, why))
		return T_FAIL;
	ident = edu_read(&t->edu, EDU_REG_IDENT);
	if (ident != EDU_IDENT)
		return tfail(why, "after the reset register 0x00 reads 0x%08x, expected 0x%08x",
			     ident, EDU_IDENT);
	tap_diag("edu answers ident 0x%08x after the reset", ident);
	return T_PASS;
}

static enum result t_hot_reset_info(struct tctx *t, struct vc_err *why)
{
	struct vfio_pci_hot_reset_info *info;
	struct vfio_pci_dependent_device *d;
	char name[VC_BDF_LEN + 1];
	bool self = false;
	__u32 i;

	if (sysfs_ids(t, why))
		return T_FAIL;
	if (vc_hot_reset_info(t->fd, &info, why)) {
		/* No slot or bus reset for this device: a fact, not a fault. */
		if (errno == ENODEV || errno == EINVAL) {
			tap_diag("no hot reset possible: %s", why->msg);
			return T_PASS;
		}
		return T_FAIL;
	}
	tap_diag("a hot reset affects %u device(s) (flags 0x%x):", info->count,
		 info->flags);
	for (i = 0; i < info->count; i++) {
		d = &info->devices[i];
		/* devfn: slot in bits 7:3, function in bits 2:0. */
		snprintf(name, sizeof(name), "%04x:%02x:%02x.%x",
			 d->segment & 0xffffu, d->bus, d->devfn >> 3,
			 d->devfn & 7);
		tap_diag("  %s, group %u", name, d->group_id);
		if (!strcmp(name, t->bdf))
			self = true;
	}
	free(info);
	if (!self)
		return tfail(why, "%s is not in its own hot reset list", t->bdf);
	return T_PASS;
}

static enum result t_request(struct tctx *t, struct vc_err *why)
{
	enum result res = T_FAIL;
	struct vfio_irq_info info;
	uint64_t count;
	int efd;

	if (vc_irq_info(t->fd, VFIO_PCI_REQ_IRQ_INDEX, &info, why))
		return T_FAIL;
	tap_diag("REQ: count %u, flags 0x%x", info.count, info.flags);
	if (info.count != 1)
		return tfail(why, "REQ: count %u, expected 1", info.count);

	if (vc_eventfd(&efd, why))
		return T_FAIL;
	if (vc_irq_set_eventfd(t->fd, VFIO_PCI_REQ_IRQ_INDEX, efd, why))
		goto out_close;
	/* DATA_NONE with count 1 makes the kernel signal what it holds. */
	if (vc_irq_loopback(t->fd, VFIO_PCI_REQ_IRQ_INDEX, why) ||
	    vc_eventfd_wait(efd, IRQ_TIMEOUT_MS, &count, why)) {
		struct vc_err err;

		if (vc_irq_set_eventfd(t->fd, VFIO_PCI_REQ_IRQ_INDEX, -1, &err))
			tap_diag("%s", err.msg);
		goto out_close;
	}
	tap_diag("armed; the kernel's loopback signalled the eventfd (count %llu)",
		 (unsigned long long)count);
	if (vc_irq_set_eventfd(t->fd, VFIO_PCI_REQ_IRQ_INDEX, -1, why))
		goto out_close;
	tap_diag("disarmed");
	res = T_PASS;
out_close:
	close(efd);
	return res;
}

static const struct test_case cases[] = {
	{ "open", "container, group and device", NEED_NOTHING, t_open },
	{ "info", "VFIO_DEVICE_GET_INFO", NEED_DEVICE, t_info },
	{ "config", "config space ids, header, command", NEED_DEVICE, t_config },
	{ "bar0", "BAR0 region mmap", NEED_DEVICE, t_bar0 },
	{ "edu-ident", "edu ident register", NEED_EDU, t_edu_ident },
	{ "edu-liveness", "edu liveness register", NEED_EDU, t_edu_liveness },
	{ "edu-factorial", "edu factorial", NEED_EDU, t_edu_factorial },
	{ "dma", "edu DMA round trip through the IOMMU", NEED_EDU, t_dma },
	{ "msi", "MSI through an eventfd", NEED_EDU, t_msi },
	{ "intx", "INTx through an eventfd, with unmask", NEED_EDU, t_intx },
	{ "reset", "VFIO_DEVICE_RESET", NEED_DEVICE, t_reset },
	{ "hot-reset-info", "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", NEED_DEVICE,
	  t_hot_reset_info },
	{ "request", "request eventfd arm, loopback, disarm", NEED_DEVICE,
	  t_request },
};

static int select_tests(const char *list, unsigned long *mask,
			struct vc_err *err)
{
	const char *p = list, *end;
	size_t len, i;

	*mask = 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < VC_ARRAY_SIZE(cases); i++)
			if (strlen(cases[i].name) == len &&
			    !strncmp(cases[i].name, p, len))
				break;
		if (i == VC_ARRAY_SIZE(cases))
			return vc_fail(err, "unknown test '%.*s' in --tests",
				       (int)(len > 64 ? 64 : len), p);
		*mask |= 1ul << i;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static void run_case(struct tctx *t, const struct test_case *c,
		     struct tap *tap)
{
	struct vc_err why = { "" };
	enum result res;

	res = prepare(t, c->need, &why);
	if (res == T_PASS)
		res = c->run(t, &why);

	switch (res) {
	case T_PASS:
		tap_result(tap, true, "%s: %s", c->name, c->summary);
		break;
	case T_SKIP:
		tap_skip(tap, why.msg, "%s: %s", c->name, c->summary);
		break;
	case T_FAIL:
		tap_result(tap, false, "%s: %s", c->name, c->summary);
		tap_diag("%s: %s", c->name, why.msg);
		break;
	}
}

int cmd_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tests", required_argument, NULL, 't' },
		{ "dma-size", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long mask = (1ul << VC_ARRAY_SIZE(cases)) - 1;
	unsigned long dma_size = EDU_DMA_BUF_SIZE;
	struct tap tap = { 0 };
	struct vc_err err;
	struct tctx t;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (select_tests(optarg, &mask, &err))
				return vc_usage("test", "%s", err.msg);
			break;
		case 'd':
			if (vc_parse_ulong(optarg, 1, EDU_DMA_BUF_SIZE, &dma_size))
				return vc_usage("test", "--dma-size must be 1..%d",
						EDU_DMA_BUF_SIZE);
			break;
		case 'h':
			return vc_help("test");
		default:
			return vc_bad_option("test", c, argv);
		}
	}
	if (argc - optind != 1)
		return vc_usage("test", "expected one DEVICE");

	memset(&t, 0, sizeof(t));
	if (vc_dev_parse(argv[optind], &t.dev, &err))
		return vc_usage("test", "%s", err.msg);
	t.dma_size = (unsigned int)dma_size;
	t.fd = -1;
	vc_session_init(&t.s);
	vc_trap_sigbus(true);

	tap_plan((unsigned int)__builtin_popcountl(mask));
	tap_diag("device %s (%s)", t.dev.name,
		 t.dev.kind == VC_DEV_MDEV ? "mdev" : "PCI");
	for (i = 0; i < VC_ARRAY_SIZE(cases); i++)
		if (mask & 1ul << i)
			run_case(&t, &cases[i], &tap);

	vc_bar_unmap(&t.bar0);
	if (vc_session_close(&t.s, &err)) {
		tap_diag("teardown: %s", err.msg);
		return VC_EXIT_FAIL;
	}
	return tap.failed ? VC_EXIT_FAIL : VC_EXIT_OK;
}
