/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The subcommands. Each handler gets argv with argv[0] = its own name,
 * parses its own options and returns the process exit code.
 */
#ifndef VC_CMD_H
#define VC_CMD_H

#include "util.h"

int cmd_test(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_hold(int argc, char **argv);
int cmd_group_status(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_fail_nth(int argc, char **argv);

/* "vfio-client CMD: message" and CMD's usage on stderr; VC_EXIT_USAGE. */
int vc_usage(const char *cmd, const char *fmt, ...) VC_PRINTF(2, 3);
/* The message for getopt_long()'s '?' or ':' (optstring starts with ':'). */
int vc_bad_option(const char *cmd, int c, char **argv);
/* CMD's usage and options on stdout, for --help; VC_EXIT_OK. */
int vc_help(const char *cmd);

#endif /* VC_CMD_H */
