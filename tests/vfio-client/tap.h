/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP output (https://testanything.org): results, skips and diagnostics
 * on stdout, counted so that the caller can pick the exit code.
 */
#ifndef VC_TAP_H
#define VC_TAP_H

#include <stdbool.h>

#include "util.h"

struct tap {
	unsigned int n;		/* results printed so far */
	unsigned int failed;	/* of which "not ok" */
};

void tap_plan(unsigned int count);
void tap_result(struct tap *tap, bool ok, const char *fmt, ...) VC_PRINTF(3, 4);
/* A skip must say why: reason is required. */
void tap_skip(struct tap *tap, const char *reason, const char *fmt, ...)
	VC_PRINTF(3, 4);
void tap_diag(const char *fmt, ...) VC_PRINTF(1, 2);
/* A vc_step_fn (vfio.h): each step that worked as an "ok" line. */
void tap_step(void *tap, const char *step);

#endif /* VC_TAP_H */
