// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "error.h"
#include "validate.h"
#include "vmp.h"

static gboolean is_lower_hex(char c)
{
	return g_ascii_isdigit(c) || (c >= 'a' && c <= 'f');
}

/*
 * Match @s against @pattern, where 'x' stands for one lowercase hex digit,
 * '7' for one digit 0-7 and every other character for itself. Hand-written
 * rather than a GRegex: udev-add and the callout run this on every event.
 */
static gboolean matches(const char *s, const char *pattern)
{
	if (!s || strlen(s) != strlen(pattern))
		return FALSE;
	for (; *pattern; s++, pattern++) {
		if (*pattern == 'x') {
			if (!is_lower_hex(*s))
				return FALSE;
		} else if (*pattern == '7') {
			if (*s < '0' || *s > '7')
				return FALSE;
		} else if (*s != *pattern) {
			return FALSE;
		}
	}
	return TRUE;
}

gboolean vmp_bdf_is_valid(const char *bdf)
{
	return matches(bdf, "xxxx:xx:xx.7");
}

gboolean vmp_uuid_is_valid(const char *uuid)
{
	return matches(uuid, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
}

gboolean vmp_pci_id_is_valid(const char *id)
{
	return matches(id, "xxxx:xxxx");
}

gboolean vmp_pci_subsys_id_is_valid(const char *id)
{
	return matches(id, "xxxx:xxxx:xxxx:xxxx");
}

gboolean vmp_type_name_is_default(const char *name)
{
	return matches(name, "xxxx-xxxx");
}

static gboolean check_form(gboolean valid, const char *value,
			   const char *form, GError **error)
{
	if (valid)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID, "'%s' is not %s.",
		    value ? value : "", form);
	return FALSE;
}

gboolean vmp_check_bdf(const char *bdf, GError **error)
{
	return check_form(vmp_bdf_is_valid(bdf), bdf,
			  "a PCI address of the form 0000:00:00.0 (lowercase hex, function 0-7)",
			  error);
}

gboolean vmp_check_uuid(const char *uuid, GError **error)
{
	return check_form(vmp_uuid_is_valid(uuid), uuid,
			  "a UUID of the form 01234567-89ab-cdef-0123-456789abcdef (lowercase)",
			  error);
}

gboolean vmp_check_domain_name(const char *name, GError **error)
{
	/* libvirt forbids '/' in names; we also refuse ".", ".." and hidden names. */
	return check_form(name && *name && *name != '.' && !strchr(name, '/') &&
			  strlen(name) < 256, name,
			  "a domain name that can be used as a file name", error);
}

gboolean vmp_check_type_name(const char *name, GError **error)
{
	size_t len = strlen(name);

	if (len == 0 || len > VMP_TYPE_NAME_MAX) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "type name '%s' is not 1 to %d characters long.",
			    name, VMP_TYPE_NAME_MAX);
		return FALSE;
	}
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isalnum(name[i]) && name[i] != '-' &&
		    name[i] != '_') {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "type name '%s' has '%c': only letters, digits, '-' and '_' make an mdev type directory and a Nova [mdev_TYPE] section.",
				    name, name[i]);
			return FALSE;
		}
	}
	if (g_str_equal(name, VMP_LEGACY_TYPE_NAME)) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "type name '%s' is the legacy type's, which every device offers.",
			    name);
		return FALSE;
	}
	return TRUE;
}
