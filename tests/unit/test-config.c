// SPDX-License-Identifier: GPL-2.0-only
/* The config file: good files, and junk refused with file and line. */
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "config.h"
#include "error.h"
#include "fake-sysfs.h"

#define CONF "etc/vfio-mdev-pci/vfio-mdev-pci.conf"

static void test_absent(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = vmp_config_load(&error);

	g_assert_no_error(error);
	g_assert_false(config->exists);
	g_assert_cmpuint(g_strv_length(config->addresses), ==, 0);
	g_assert_cmpint(config->give_back, ==, VMP_GIVE_BACK_AUTO);
	g_assert_false(vmp_config_names(config, "0000:01:00.0", "8086:100e"));
}

static void test_good(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = NULL;

	fake_sys_file(fs, CONF,
		      "# comment\n[devices]\naddresses=0000:01:00.0; 0000:02:00.1,0000:03:00.0\n"
		      "ids=8086:10ca\n\n[policy]\ngive-back=never\n"
		      "allow-denylisted=8086:37c9\nallow-variant=0000:3b:00.2 15b3:101e\n");
	config = vmp_config_load(&error);
	g_assert_no_error(error);
	g_assert_true(config->exists);
	g_assert_cmpuint(g_strv_length(config->addresses), ==, 3);
	g_assert_true(vmp_config_names(config, "0000:02:00.1", NULL));
	g_assert_true(vmp_config_names(config, "0000:09:00.0", "8086:10ca"));
	g_assert_false(vmp_config_names(config, "0000:09:00.0", "8086:10cb"));
	g_assert_cmpint(config->give_back, ==, VMP_GIVE_BACK_NEVER);
	/* The allow- lists take addresses and ids alike. */
	g_assert_true(vmp_config_list_names(config->allow_denylisted, "0000:09:00.0", "8086:37c9"));
	g_assert_false(vmp_config_list_names(config->allow_denylisted, "0000:09:00.0", "8086:37c8"));
	g_assert_true(vmp_config_list_names(config->allow_variant, "0000:3b:00.2", NULL));
	g_assert_true(vmp_config_list_names(config->allow_variant, "0000:3b:00.3", "15b3:101e"));
	g_assert_false(vmp_config_list_names(config->allow_variant, "0000:3b:00.3", "15b3:1021"));
}

static void assert_junk(const char *contents, const char *needle)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = NULL;
	g_autofree char *path = g_build_filename(fake_sys_root(fs), CONF, NULL);

	fake_sys_file(fs, CONF, contents);
	config = vmp_config_load(&error);
	g_assert_null(config);
	g_assert_nonnull(error);
	/* The message names the file and what is wrong in it. */
	g_assert_true(g_str_has_prefix(error->message, path));
	if (!strstr(error->message, needle))
		g_error("'%s' not in '%s'", needle, error->message);
}

static void test_junk(void)
{
	assert_junk("this is junk\n", "this is junk");
	assert_junk("[devices]\naddresses=0000:01:00.0\n[devices\n", "[devices");
	assert_junk("[device]\naddresses=0000:01:00.0\n", "Unknown group [device]");
	assert_junk("[devices]\naddress=0000:01:00.0\n", "Unknown key 'address'");
	assert_junk("[devices]\naddresses=0000:01:00.0;../../etc\n", "'../../etc' in [devices] addresses=");
	assert_junk("[devices]\nids=8086\n", "'8086' in [devices] ids=");
	assert_junk("[policy]\ngive-back=sometimes\n", "'sometimes' in [policy] give-back=");
	assert_junk("[policy]\nallow-variant=mlx5_vfio_pci\n",
		    "'mlx5_vfio_pci' in [policy] allow-variant= is not a PCI address or a vendor:device id");
	assert_junk("\xff\xfe[policy]\n", "");
}

/* A key given twice: GKeyFile would keep the last one silently. */
static void test_duplicate_key(void)
{
	assert_junk("[policy]\ngive-back=never\n# later\ngive-back=always\n",
		    "line 4: duplicate key 'give-back' in group [policy] (first on line 2).");
	assert_junk("[devices]\nids=8086:10ca\n[policy]\ngive-back=never\n[devices]\nids = 8086:10cb\n",
		    "line 6: duplicate key 'ids' in group [devices] (first on line 2).");
}

/* [types]: keys in file order; every bad key or name names the key. */
static void test_types(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = NULL;

	fake_sys_file(fs, CONF,
		      "[types]\n0000:01:00.0=uplink\n8086:10ca:8086:a02c = X710_vf\n"
		      "8086:10ca=igb-vf\n");
	config = vmp_config_load(&error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_strv_length(config->type_keys), ==, 3);
	g_assert_cmpstr(config->type_keys[1], ==, "8086:10ca:8086:a02c");
	g_assert_cmpstr(config->type_names[1], ==, "X710_vf");
	g_assert_cmpstr(config->type_keys[2], ==, "8086:10ca");
	g_assert_cmpstr(config->type_names[2], ==, "igb-vf");

	assert_junk("[types]\n8086=x\n",
		    "[types] 8086= names no device: a key is an address (0000:01:00.0), vendor:device (8086:10ca) or vendor:device:subvendor:subdevice (8086:10ca:8086:a02c), lowercase.");
	assert_junk("[types]\n8086:10CA=x\n", "[types] 8086:10CA= names no device");
	assert_junk("[types]\n8086:10ca=igb.vf\n",
		    "[types] 8086:10ca=: type name 'igb.vf' has '.': only letters, digits, '-' and '_' make an mdev type directory and a Nova [mdev_TYPE] section.");
	assert_junk("[types]\n8086:10ca=igb vf\n", "type name 'igb vf' has ' '");
	assert_junk("[types]\n8086:10ca=\n",
		    "[types] 8086:10ca=: type name '' is not 1 to 32 characters long.");
	assert_junk("[types]\n8086:10ca=abcdefghijklmnopqrstuvwxyz0123456\n",
		    "type name 'abcdefghijklmnopqrstuvwxyz0123456' is not 1 to 32 characters long.");
	assert_junk("[types]\n8086:10ca=type1\n",
		    "[types] 8086:10ca=: type name 'type1' is the legacy type's, which every device offers.");
	assert_junk("[types]\n8086:10ca=8086-1572\n",
		    "[types] 8086:10ca=: type name '8086-1572' clashes with the default name of model 8086:1572.");
	assert_junk("[types]\n8086:10ca=vf\n0000:01:00.0=vf\n",
		    "[types] 0000:01:00.0=: type name 'vf' clashes with 8086:10ca=: one name, one type of device.");
}

/* A FIFO at the config path is refused without blocking on it. */
static void test_fifo(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(VmpConfig) config = NULL;
	g_autofree char *path = g_build_filename(fake_sys_root(fs), CONF, NULL);

	fake_sys_file(fs, CONF, "");
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(mkfifo(path, 0600), ==, 0);
	config = vmp_config_load(&error);
	g_assert_null(config);
	g_assert_nonnull(error);
	g_assert_true(g_str_has_suffix(error->message, "is not a regular file; refused."));
	g_assert_true(strstr(error->message, path) != NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/config/absent", test_absent);
	g_test_add_func("/config/good", test_good);
	g_test_add_func("/config/junk", test_junk);
	g_test_add_func("/config/duplicate-key", test_duplicate_key);
	g_test_add_func("/config/types", test_types);
	g_test_add_func("/config/fifo", test_fifo);
	return g_test_run();
}
