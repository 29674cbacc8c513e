/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * mdevctl's own udev rule, 60-mdevctl.rules, runs "mdevctl
 * start-parent-mdevs" by an absolute path when a parent registers.
 * Debian 13's runs /usr/sbin/mdevctl while the package installs
 * /usr/bin/mdevctl, so there it does nothing. We do not depend on it
 * (90-vfio-mdev-pci.rules starts our auto-start mdevs); doctor says what
 * it finds so that nobody relies on it by mistake.
 *
 * The file read is the one udev reads: the first of /etc/udev/rules.d,
 * /run/udev/rules.d, /usr/lib/udev/rules.d and /lib/udev/rules.d that
 * has it, under the root.
 */
typedef struct {
	char *path;		/* the rule file, NULL if there is none */
	char *program;		/* the mdevctl it runs, NULL if none is named */
	gboolean installed;	/* @program exists under the root */
} VmpMdevctlRule;

void vmp_mdevctl_rule_free(VmpMdevctlRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmpMdevctlRule, vmp_mdevctl_rule_free)

VmpMdevctlRule *vmp_mdevctl_rule_read(void);
