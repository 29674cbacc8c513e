/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * The parts of the in-use check (inuse.h), one kind of use each. Each
 * appends one sentence per use it finds to @uses, naming the device node,
 * interface or process.
 */
void vmp_inuse_block(const char *bdf, GPtrArray *uses);
void vmp_inuse_vfio(const char *bdf, GPtrArray *uses);
