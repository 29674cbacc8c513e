// SPDX-License-Identifier: GPL-2.0-only
/*
 * The edu register protocols: liveness, factorial, DMA.
 *
 * Checked against QEMU's hw/misc/edu.c: writes to the DMA registers are
 * dropped while a transfer runs, a 4-byte write to 0x80..0x98 replaces the
 * whole 64-bit register (zero-extended), and a transfer starts 100 ms of
 * virtual time after the command write.
 */
#include <string.h>
#include <unistd.h>

#include "edu.h"

/* A read of all ones: memory decoding is off or the device is gone. */
#define EDU_GONE 0xffffffffu

static int wait_clear(const struct edu *edu, unsigned int reg, uint32_t bit,
		      int timeout_ms, const char *what, struct vc_err *err)
{
	uint64_t deadline = vc_now_ns() + (uint64_t)timeout_ms * 1000000;
	uint32_t val;

	for (;;) {
		val = edu_read(edu, reg);
		if (val == EDU_GONE)
			return vc_fail(err, "%s: register 0x%02x reads all ones (device gone?)",
				       what, reg);
		if (!(val & bit))
			return 0;
		if (vc_now_ns() >= deadline)
			return vc_fail(err,
				       "%s: register 0x%02x bit 0x%x still set after %d ms",
				       what, reg, bit, timeout_ms);
		/* Sleep: a busy MMIO loop steals the CPU from TCG's timers. */
		vc_sleep_us(100);
	}
}

int edu_liveness(const struct edu *edu, uint32_t val, struct vc_err *err)
{
	uint32_t got;

	edu_write(edu, EDU_REG_LIVENESS, val);
	got = edu_read(edu, EDU_REG_LIVENESS);
	if (got != ~val)
		return vc_fail(err, "wrote 0x%08x to 0x%02x, read 0x%08x, expected 0x%08x",
			       val, EDU_REG_LIVENESS, got, ~val);
	return 0;
}

int edu_factorial(const struct edu *edu, uint32_t n, uint32_t *result,
		  struct vc_err *err)
{
	/* A write to 0x08 while computing is dropped. */
	if (wait_clear(edu, EDU_REG_STATUS, EDU_STATUS_COMPUTING,
		       EDU_FACT_TIMEOUT_MS, "factorial (busy before start)",
		       err))
		return -1;
	/* No completion interrupt: it would be a stray one for the IRQ tests. */
	edu_write(edu, EDU_REG_STATUS, 0);
	edu_write(edu, EDU_REG_FACTORIAL, n);
	if (wait_clear(edu, EDU_REG_STATUS, EDU_STATUS_COMPUTING,
		       EDU_FACT_TIMEOUT_MS, "factorial", err))
		return -1;
	*result = edu_read(edu, EDU_REG_FACTORIAL);
	return 0;
}

static int dma_set(const struct edu *edu, unsigned int reg, uint32_t val,
		   struct vc_err *err)
{
	uint32_t got;

	edu_write(edu, reg, val);
	got = edu_read(edu, reg);
	if (got != val)
		return vc_fail(err, "DMA register 0x%02x: wrote 0x%x, read 0x%x",
			       reg, val, got);
	return 0;
}

int edu_dma(const struct edu *edu, uint32_t src, uint32_t dst, uint32_t len,
	    bool to_ram, struct vc_err *err)
{
	const char *what = to_ram ? "DMA device -> RAM" : "DMA RAM -> device";
	uint32_t cmd = EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0);

	if (wait_clear(edu, EDU_REG_DMA_CMD, EDU_DMA_CMD_START,
		       EDU_DMA_TIMEOUT_MS, "DMA (busy before start)", err))
		return -1;
	/* Read back: a dropped write would otherwise copy stale addresses. */
	if (dma_set(edu, EDU_REG_DMA_SRC, src, err) ||
	    dma_set(edu, EDU_REG_DMA_DST, dst, err) ||
	    dma_set(edu, EDU_REG_DMA_COUNT, len, err))
		return -1;

	/* What the device reads must be in memory before it starts... */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	edu_write(edu, EDU_REG_DMA_CMD, cmd);
	if (wait_clear(edu, EDU_REG_DMA_CMD, EDU_DMA_CMD_START,
		       EDU_DMA_TIMEOUT_MS, what, err))
		return -1;
	/* ...and what it wrote must not be read before it finished. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

size_t edu_dma_half(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	/* Each half page-aligned: VFIO maps whole pages. */
	return (EDU_DMA_BUF_SIZE + page - 1) / page * page;
}

void edu_dma_fill(uint8_t *ram, uint32_t seed)
{
	size_t i, half = edu_dma_half();
	uint32_t x = seed | 1;		/* xorshift32 must not start at 0 */

	for (i = 0; i < half; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		ram[i] = (uint8_t)x;
	}
	memset(ram + half, EDU_DMA_CANARY, half);
}

int edu_dma_round_trip(const struct edu *edu, uint32_t iova, uint32_t len,
		       struct vc_err *err)
{
	if (edu_dma(edu, iova, EDU_DMA_BUF, len, false, err) ||
	    edu_dma(edu, EDU_DMA_BUF, iova + (uint32_t)edu_dma_half(), len,
		    true, err))
		return -1;
	return 0;
}

int edu_dma_verify(const uint8_t *ram, uint32_t len, struct vc_err *err)
{
	size_t i, half = edu_dma_half(), first = 0, bad = 0;
	const uint8_t *src = ram, *dst = ram + half;

	for (i = 0; i < len; i++) {
		if (dst[i] != src[i]) {
			if (!bad)
				first = i;
			bad++;
		}
	}
	if (bad)
		return vc_fail(err,
			       "%zu of %u bytes differ, first at %zu: read 0x%02x, wrote 0x%02x",
			       bad, len, first, dst[first], src[first]);
	for (i = len; i < half; i++)
		if (dst[i] != EDU_DMA_CANARY)
			return vc_fail(err,
				       "byte %zu, past the %u-byte transfer, was overwritten",
				       i, len);
	return 0;
}
