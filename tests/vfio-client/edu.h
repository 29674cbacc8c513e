/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's educational PCI device "edu" (hw/misc/edu.c, docs/specs/edu.rst):
 * register map and the few protocols the tests and benchmarks drive
 * through an mmap()ed BAR0.
 */
#ifndef VC_EDU_H
#define VC_EDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_BAR_MIN_SIZE	0x100	/* registers end at 0x9c */

#define EDU_REG_IDENT		0x00	/* 0xRRrr00ed: major, minor, magic */
#define EDU_IDENT		0x010000ed
#define EDU_REG_LIVENESS	0x04	/* reads back the inverse of a write */
#define EDU_REG_FACTORIAL	0x08
#define EDU_REG_STATUS		0x20
#define EDU_STATUS_COMPUTING	0x01
#define EDU_STATUS_IRQ_FACT	0x80
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_CMD_START	0x1	/* clears itself when the transfer is done */
#define EDU_DMA_CMD_TO_RAM	0x2	/* 0: RAM -> device buffer */
#define EDU_DMA_CMD_IRQ		0x4

/* The device's own buffer, in the device's DMA address space. */
#define EDU_DMA_BUF		0x40000
#define EDU_DMA_BUF_SIZE	4096
/* edu masks DMA addresses to 28 bits: IOVAs must stay below 256 MiB. */
#define EDU_DMA_MASK		((1ull << 28) - 1)

/* Where vfio-client maps RAM for the device: 16 MiB, inside the mask. */
#define EDU_DMA_IOVA		0x1000000u
/* Fills the RAM the device writes to, to see that it wrote no further. */
#define EDU_DMA_CANARY		0xa5

/*
 * edu starts a transfer from a 100 ms QEMU_CLOCK_VIRTUAL timer; under
 * nested TCG that is slower, so allow a lot more before calling it stuck.
 */
#define EDU_DMA_TIMEOUT_MS	10000
#define EDU_FACT_TIMEOUT_MS	2000

struct edu {
	volatile uint8_t *regs;		/* BAR0 mapping */
};

static inline bool edu_ids(uint16_t vendor, uint16_t device)
{
	return vendor == EDU_VENDOR && device == EDU_DEVICE;
}

/* edu accepts only 4-byte accesses below 0x80; use them everywhere. */
static inline uint32_t edu_read(const struct edu *edu, unsigned int reg)
{
	return *(volatile uint32_t *)(edu->regs + reg);
}

static inline void edu_write(const struct edu *edu, unsigned int reg,
			     uint32_t val)
{
	*(volatile uint32_t *)(edu->regs + reg) = val;
}

int edu_liveness(const struct edu *edu, uint32_t val, struct vc_err *err);
int edu_factorial(const struct edu *edu, uint32_t n, uint32_t *result,
		  struct vc_err *err);
/*
 * One transfer of len bytes, polled to completion. A RAM address is an
 * IOVA (below EDU_DMA_MASK); the device side is EDU_DMA_BUF + offset.
 */
int edu_dma(const struct edu *edu, uint32_t src, uint32_t dst, uint32_t len,
	    bool to_ram, struct vc_err *err);

/*
 * A round trip uses 2 * edu_dma_half() bytes of RAM at one IOVA: the
 * device reads len bytes of the first half into its buffer, then writes
 * them back into the second half.
 */
size_t edu_dma_half(void);
/*
 * A pattern that differs from run to run (pass a new seed): if the RAM ->
 * device transfer silently did nothing, the device buffer still holds an
 * older run's data, and a fixed pattern would make that pass.
 */
void edu_dma_fill(uint8_t *ram, uint32_t seed);
int edu_dma_round_trip(const struct edu *edu, uint32_t iova, uint32_t len,
		       struct vc_err *err);
int edu_dma_verify(const uint8_t *ram, uint32_t len, struct vc_err *err);

#endif /* VC_EDU_H */
