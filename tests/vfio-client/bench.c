// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client bench: time the paths a VFIO user takes through an edu
 * device, so that the mdev path can be compared with plain vfio-pci on
 * the same device in the same VM.
 *
 * Throughput metrics run --iterations operations per round; latency
 * metrics average --samples samples per round (an edu DMA alone takes
 * 100 ms of virtual time, so they cannot take thousands). The rounds of
 * all metrics but the last interleave, so a slow phase of the VM hits all
 * of them alike. Output: one JSON object on stdout; errors go to stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "cmd.h"
#include "edu.h"
#include "vfio.h"

#define BENCH_MAX_ROUNDS	100
#define IRQ_TIMEOUT_MS		2000

enum metric_id {
	M_CONFIG,
	M_BAR0,
	M_MSI,
	M_DMA,
	M_OPEN,
	M_COUNT,
};

static const char *const metric_names[M_COUNT] = {
	[M_CONFIG] = "config_read_ops_per_s",
	[M_BAR0] = "bar0_read_ops_per_s",
	[M_MSI] = "msi_round_trip_us",
	[M_DMA] = "dma_round_trip_us",
	[M_OPEN] = "open_close_ms",
};

struct bench {
	struct vc_dev dev;
	unsigned long iterations;
	unsigned long samples;
	unsigned long rounds;
	uint32_t dma_size;
	struct vc_session s;
	int fd;
	struct vc_pci pci;
	struct vc_bar bar0;
	struct edu edu;
	int msi_fd;
	struct vc_dma_buf dma;
	double values[M_COUNT][BENCH_MAX_ROUNDS];
};

static double seconds_since(uint64_t start)
{
	return (double)(vc_now_ns() - start) / 1e9;
}

static int bench_config(struct bench *b, double *ops, struct vc_err *err)
{
	uint64_t start = vc_now_ns();
	unsigned long i;
	uint32_t val;

	for (i = 0; i < b->iterations; i++)
		if (vc_cfg_read(&b->pci, PCI_VENDOR_ID, 4, &val, err))
			return -1;
	*ops = (double)b->iterations / seconds_since(start);
	return 0;
}

static int bench_bar0(struct bench *b, double *ops, struct vc_err *err)
{
	uint64_t start = vc_now_ns();
	uint32_t seen = EDU_IDENT;
	unsigned long i;

	/* OR them up: one wrong read shows without a branch in the loop. */
	for (i = 0; i < b->iterations; i++)
		seen |= edu_read(&b->edu, EDU_REG_IDENT);
	*ops = (double)b->iterations / seconds_since(start);
	if (seen != EDU_IDENT)
		return vc_fail(err, "ident reads wrong during the benchmark (0x%08x)",
			       seen);
	return 0;
}

static int bench_msi(struct bench *b, double *us, struct vc_err *err)
{
	uint64_t start, total = 0, count;
	unsigned long i;

	for (i = 0; i < b->samples; i++) {
		start = vc_now_ns();
		edu_write(&b->edu, EDU_REG_IRQ_RAISE, 1);
		if (vc_eventfd_wait(b->msi_fd, IRQ_TIMEOUT_MS, &count, err))
			return vc_err_prefix(err, "MSI: ");
		total += vc_now_ns() - start;
		edu_write(&b->edu, EDU_REG_IRQ_ACK,
			  edu_read(&b->edu, EDU_REG_IRQ_STATUS));
	}
	*us = (double)total / (double)b->samples / 1e3;
	return 0;
}

static int bench_dma(struct bench *b, double *us, struct vc_err *err)
{
	uint64_t start, total = 0;
	unsigned long i;

	for (i = 0; i < b->samples; i++) {
		edu_dma_fill(b->dma.addr, (uint32_t)(vc_now_ns() + i));
		start = vc_now_ns();
		if (edu_dma_round_trip(&b->edu, EDU_DMA_IOVA, b->dma_size, err))
			return -1;
		total += vc_now_ns() - start;
		/* Fast numbers from a transfer that did nothing are no use. */
		if (edu_dma_verify(b->dma.addr, b->dma_size, err))
			return -1;
	}
	*us = (double)total / (double)b->samples / 1e3;
	return 0;
}

/*
 * The first open of a device runs the driver's open_device (enable,
 * reset, config init) and the last close its teardown; that is the part
 * worth timing, so the benchmark's own fd must be closed by then.
 */
static int bench_open(struct bench *b, double *ms, struct vc_err *err)
{
	int group_fd = vc_group_fd(&b->s, b->s.devices[0].group);
	uint64_t start, total = 0;
	unsigned long i;
	int fd;

	for (i = 0; i < b->samples; i++) {
		start = vc_now_ns();
		if (vc_get_device_fd(group_fd, b->dev.name, &fd, err))
			return -1;
		close(fd);
		total += vc_now_ns() - start;
	}
	*ms = (double)total / (double)b->samples / 1e6;
	return 0;
}

static int bench_setup(struct bench *b, struct vc_err *err)
{
	char bdf[VC_BDF_LEN + 1];
	uint16_t vendor, device;
	uint32_t cmd;

	if (vc_dev_pci_name(&b->dev, bdf, err) ||
	    vc_pci_ids(bdf, &vendor, &device, err))
		return -1;
	if (!edu_ids(vendor, device))
		return vc_fail(err, "%s is %04x:%04x, not an edu (%04x:%04x)",
			       bdf, vendor, device, EDU_VENDOR, EDU_DEVICE);

	if (vc_session_open(&b->s, &b->dev, 1, NULL, NULL, err))
		return -1;
	b->fd = b->s.devices[0].fd;
	if (vc_pci_init(&b->pci, b->fd, err) ||
	    vc_pci_enable(&b->pci, &cmd, err) ||
	    vc_bar_map(b->fd, VFIO_PCI_BAR0_REGION_INDEX, &b->bar0, err))
		return -1;
	b->edu.regs = b->bar0.addr;

	edu_write(&b->edu, EDU_REG_IRQ_ACK, ~0u);
	if (vc_eventfd(&b->msi_fd, err) ||
	    vc_irq_set_eventfd(b->fd, VFIO_PCI_MSI_IRQ_INDEX, b->msi_fd, err))
		return -1;
	return vc_dma_buf_alloc(b->s.container, 2 * edu_dma_half(),
				EDU_DMA_IOVA, &b->dma, err);
}

static int bench_run(struct bench *b, struct vc_err *err)
{
	unsigned long r;

	for (r = 0; r < b->rounds; r++) {
		if (bench_config(b, &b->values[M_CONFIG][r], err) ||
		    bench_bar0(b, &b->values[M_BAR0][r], err) ||
		    bench_msi(b, &b->values[M_MSI][r], err) ||
		    bench_dma(b, &b->values[M_DMA][r], err))
			return -1;
	}

	/* Only the first open of the device is worth timing: close ours. */
	if (vc_irq_disable(b->fd, VFIO_PCI_MSI_IRQ_INDEX, err))
		return -1;
	vc_bar_unmap(&b->bar0);
	close(b->fd);
	b->s.devices[0].fd = -1;
	b->fd = -1;

	for (r = 0; r < b->rounds; r++)
		if (bench_open(b, &b->values[M_OPEN][r], err))
			return -1;
	return 0;
}

/* Releases everything bench_setup() got, whatever step it stopped at. */
static int bench_teardown(struct bench *b, struct vc_err *err)
{
	struct vc_err later;
	int ret;

	ret = vc_dma_buf_free(b->s.container, &b->dma, err);
	vc_bar_unmap(&b->bar0);
	if (b->msi_fd >= 0)
		close(b->msi_fd);
	/* Closing the device fd also turns MSI off. */
	if (vc_session_close(&b->s, ret ? &later : err))
		ret = -1;
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *values, unsigned long n)
{
	double sorted[BENCH_MAX_ROUNDS];

	memcpy(sorted, values, n * sizeof(*values));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static void print_json(const struct bench *b)
{
	unsigned long r;
	int m;

	/* The device name is checked to hold only [0-9a-f:.-]: no escaping. */
	printf("{\n  \"device\": \"%s\",\n  \"kind\": \"%s\",\n",
	       b->dev.name, b->dev.kind == VC_DEV_MDEV ? "mdev" : "pci");
	printf("  \"iterations\": %lu,\n  \"samples\": %lu,\n  \"rounds\": %lu,\n  \"dma_bytes\": %u,\n",
	       b->iterations, b->samples, b->rounds, b->dma_size);
	printf("  \"metrics\": {\n");
	for (m = 0; m < M_COUNT; m++) {
		printf("    \"%s\": {\"rounds\": [", metric_names[m]);
		for (r = 0; r < b->rounds; r++)
			printf("%s%.3f", r ? ", " : "", b->values[m][r]);
		printf("], \"median\": %.3f}%s\n",
		       median(b->values[m], b->rounds),
		       m + 1 < M_COUNT ? "," : "");
	}
	printf("  }\n}\n");
}

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iterations", required_argument, NULL, 'i' },
		{ "samples", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "dma-size", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long dma_size = EDU_DMA_BUF_SIZE;
	struct vc_err err;
	struct bench b;
	int c, ret;

	memset(&b, 0, sizeof(b));
	b.iterations = 10000;
	b.samples = 10;
	b.rounds = 5;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (vc_parse_ulong(optarg, 1, 100000000, &b.iterations))
				return vc_usage("bench", "--iterations must be 1..100000000");
			break;
		case 's':
			if (vc_parse_ulong(optarg, 1, 100000, &b.samples))
				return vc_usage("bench", "--samples must be 1..100000");
			break;
		case 'r':
			if (vc_parse_ulong(optarg, 1, BENCH_MAX_ROUNDS, &b.rounds))
				return vc_usage("bench", "--rounds must be 1..%d",
						BENCH_MAX_ROUNDS);
			break;
		case 'd':
			if (vc_parse_ulong(optarg, 1, EDU_DMA_BUF_SIZE, &dma_size))
				return vc_usage("bench", "--dma-size must be 1..%d",
						EDU_DMA_BUF_SIZE);
			break;
		case 'h':
			return vc_help("bench");
		default:
			return vc_bad_option("bench", c, argv);
		}
	}
	if (argc - optind != 1)
		return vc_usage("bench", "expected one DEVICE");
	if (vc_dev_parse(argv[optind], &b.dev, &err))
		return vc_usage("bench", "%s", err.msg);
	b.dma_size = (uint32_t)dma_size;
	b.fd = -1;
	b.msi_fd = -1;
	vc_session_init(&b.s);
	vc_trap_sigbus(false);

	ret = bench_setup(&b, &err) || bench_run(&b, &err);
	if (ret)
		fprintf(stderr, "vfio-client bench: %s\n", err.msg);
	if (bench_teardown(&b, &err)) {
		fprintf(stderr, "vfio-client bench: %s\n", err.msg);
		ret = -1;
	}
	if (ret)
		return VC_EXIT_FAIL;
	print_json(&b);
	return VC_EXIT_OK;
}
