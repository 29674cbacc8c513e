// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config file parser: the input is the whole of
 * /etc/vfio-mdev-pci/vfio-mdev-pci.conf, loaded as every command loads
 * it (vmp_config_load: the regular-file and size checks, GKeyFile, our
 * own duplicate-key scan and value checks).
 */
#include <string.h>

#include "config.h"
#include "fuzz-root.h"
#include "validate.h"

#define CONF "etc/vfio-mdev-pci/vfio-mdev-pci.conf"

static void check_list(GStrv list, gboolean (*valid)(const char *))
{
	g_assert_nonnull(list);
	for (guint i = 0; list[i]; i++)
		g_assert_true(valid(list[i]));
}

static gboolean is_address_or_id(const char *item)
{
	return vmp_bdf_is_valid(item) || vmp_pci_id_is_valid(item);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = NULL;

	fuzz_root_write(CONF, data, size);
	config = vmp_config_load(&error);
	/*
	 * What the callers rely on: a loaded config holds only valid items
	 * (they become sysfs paths); a refused one says which file.
	 */
	if (config) {
		g_assert_no_error(error);
		check_list(config->addresses, vmp_bdf_is_valid);
		check_list(config->ids, vmp_pci_id_is_valid);
		check_list(config->allow_denylisted, is_address_or_id);
		check_list(config->allow_variant, is_address_or_id);
		g_assert_nonnull(vmp_give_back_to_string(config->give_back));
	} else {
		g_assert_nonnull(error);
		g_assert_nonnull(strstr(error->message, CONF));
	}
	return 0;
}
