/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

/*
 * Remove @path and everything below it without following symbolic links
 * (the fake trees are full of them), as `rm -rf` would but without a
 * shell; fine if @path does not exist.
 */
void test_rm_tree(const char *path);
