// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>

#include "rm-tree.h"

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void test_rm_tree(const char *path)
{
	/* Depth first, so that each directory is empty when its turn comes. */
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
