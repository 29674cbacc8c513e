// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "mdevctl-rule.h"
#include "root.h"
#include "sysfs.h"

#define RULE_FILE "60-mdevctl.rules"

void vmp_mdevctl_rule_free(VmpMdevctlRule *rule)
{
	if (!rule)
		return;
	g_free(rule->path);
	g_free(rule->program);
	g_free(rule);
}

static gboolean ends_word(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\'' || c == '"';
}

/*
 * The first absolute path ending in "/mdevctl" on a line that is not a
 * comment: RUN+="/bin/sh -c '/usr/sbin/mdevctl start-parent-mdevs %k'".
 */
static char *find_program(GStrv lines)
{
	for (guint i = 0; lines && lines[i]; i++) {
		const char *line = lines[i];
		const char *p = line;

		while (g_ascii_isspace(*line))
			line++;
		if (*line == '#')
			continue;
		while ((p = strstr(p, "/mdevctl"))) {
			const char *end = p + strlen("/mdevctl");
			const char *start = p;

			while (start > lines[i] && !ends_word(start[-1]) && start[-1] != '=')
				start--;
			if (ends_word(*end) && *start == '/')
				return g_strndup(start, end - start);
			p = end;
		}
	}
	return NULL;
}

VmpMdevctlRule *vmp_mdevctl_rule_read(void)
{
	static const char * const dirs[] = {
		"etc/udev/rules.d", "run/udev/rules.d",
		"usr/lib/udev/rules.d", "lib/udev/rules.d",
	};
	VmpMdevctlRule *rule = g_new0(VmpMdevctlRule, 1);
	g_auto(GStrv) lines = NULL;
	g_autofree char *program = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(dirs) && !rule->path; i++) {
		g_autofree char *path = vmp_path("%s/%s", dirs[i], RULE_FILE);

		if (g_file_test(path, G_FILE_TEST_EXISTS))
			rule->path = g_steal_pointer(&path);
	}
	if (!rule->path)
		return rule;
	/* A rule masked by a link to /dev/null reads as empty: no program. */
	lines = vmp_sysfs_read_lines(rule->path);
	rule->program = find_program(lines);
	if (rule->program) {
		program = vmp_path("%s", rule->program);
		rule->installed = g_file_test(program, G_FILE_TEST_EXISTS);
	}
	return rule;
}
