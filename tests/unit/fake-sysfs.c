// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "fake-sysfs.h"
#include "rm-tree.h"
#include "sysfs.h"

struct _FakeSys {
	char *root;
	GHashTable *native;	/* bdf -> driver the kernel would pick */
	GHashTable *refused;	/* drivers whose probe fails */
	GHashTable *registering;	/* drivers without bind files yet */
	GString *writes;
};

static char *at(FakeSys *fs, const char *rel)
{
	return g_build_filename(fs->root, rel, NULL);
}

static char *devpath(FakeSys *fs, const char *bdf)
{
	g_autofree char *rel = g_strdup_printf("sys/devices/pci0000:00/%s", bdf);

	return at(fs, rel);
}

void fake_sys_file(FakeSys *fs, const char *rel, const char *contents)
{
	g_autofree char *path = at(fs, rel);
	g_autofree char *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, contents, -1, NULL));
}

char *fake_sys_program(FakeSys *fs, const char *name, const char *script)
{
	g_autofree char *rel = g_strdup_printf("test-bin/%s", name);
	g_autofree char *body = g_strdup_printf("#!/bin/sh\n%s\n", script);
	char *path = at(fs, rel);

	fake_sys_file(fs, rel, body);
	g_assert_cmpint(g_chmod(path, 0755), ==, 0);
	return path;
}

static void mkdir_rel(FakeSys *fs, const char *rel)
{
	g_autofree char *path = at(fs, rel);

	g_assert_cmpint(g_mkdir_with_parents(path, 0755), ==, 0);
}

static void link_abs(const char *target, const char *link)
{
	g_autofree char *dir = g_path_get_dirname(link);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_cmpint(symlink(target, link), ==, 0);
}

#define TYPE_NAMES "sys/module/vfio_mdev_pci/parameters/type_names"

void fake_sys_add_driver(FakeSys *fs, const char *driver)
{
	g_autofree char *rel = g_strdup_printf("sys/bus/pci/drivers/%s", driver);

	mkdir_rel(fs, rel);
	if (g_str_equal(driver, "vfio-mdev-pci"))
		fake_sys_file(fs, TYPE_NAMES, "\n");
}

char *fake_sys_read(FakeSys *fs, const char *rel)
{
	g_autofree char *path = at(fs, rel);
	char *s = NULL;

	return g_file_get_contents(path, &s, NULL, NULL) ? s : NULL;
}

/* A device's attribute as the tool reads it: no trailing newline. */
static char *read_attr(FakeSys *fs, const char *bdf, const char *leaf)
{
	g_autofree char *rel = g_strdup_printf("sys/devices/pci0000:00/%s/%s",
					       bdf, leaf);
	g_autofree char *path = at(fs, rel);

	return vmp_sysfs_read(path, NULL);
}

/*
 * The model type's name, as the module picks it at probe from its
 * type_names parameter: the entry for the address, else for
 * vendor:device:subvendor:subdevice, else for vendor:device, else
 * "vvvv-dddd".
 */
static char *model_type_name(FakeSys *fs, const char *bdf)
{
	g_autofree char *param = fake_sys_read(fs, TYPE_NAMES);
	g_autofree char *vendor = read_attr(fs, bdf, "vendor");
	g_autofree char *device = read_attr(fs, bdf, "device");
	g_autofree char *sub_vendor = read_attr(fs, bdf, "subsystem_vendor");
	g_autofree char *sub_device = read_attr(fs, bdf, "subsystem_device");
	char *keys[3];
	g_auto(GStrv) entries = g_strsplit(param ? g_strchomp(param) : "", ",", -1);
	char *name = NULL;
	guint best = G_N_ELEMENTS(keys);

	keys[0] = g_strdup(bdf);
	keys[1] = g_strdup_printf("%s:%s:%s:%s", vendor + 2, device + 2,
				  sub_vendor + 2, sub_device + 2);
	keys[2] = g_strdup_printf("%s:%s", vendor + 2, device + 2);
	for (guint i = 0; entries[i]; i++) {
		char *eq = strchr(entries[i], '=');

		if (!eq)
			continue;
		*eq = '\0';
		for (guint k = 0; k < best; k++) {
			if (g_str_equal(entries[i], keys[k])) {
				g_free(name);
				name = g_strdup(eq + 1);
				best = k;
			}
		}
	}
	for (guint k = 0; k < G_N_ELEMENTS(keys); k++)
		g_free(keys[k]);
	return name ? name : g_strdup_printf("%s-%s", vendor + 2, device + 2);
}

static void bind(FakeSys *fs, const char *bdf, const char *driver)
{
	g_autofree char *dev = devpath(fs, bdf);
	g_autofree char *drv_rel = g_strdup_printf("sys/bus/pci/drivers/%s", driver);
	g_autofree char *drv = at(fs, drv_rel);
	g_autofree char *link = g_build_filename(dev, "driver", NULL);
	g_autofree char *back = g_build_filename(drv, bdf, NULL);

	link_abs(drv, link);
	link_abs(dev, back);
	if (g_str_equal(driver, "vfio-mdev-pci")) {
		g_autofree char *name = model_type_name(fs, bdf);
		g_autofree char *rel = g_strdup_printf(
			"sys/devices/pci0000:00/%s/mdev_supported_types/vfio-mdev-pci-type1/devices",
			bdf);
		g_autofree char *model = g_strdup_printf(
			"sys/devices/pci0000:00/%s/mdev_supported_types/vfio-mdev-pci-%s/devices",
			bdf, name);

		mkdir_rel(fs, rel);
		mkdir_rel(fs, model);
	}
}

static void unbind(FakeSys *fs, const char *bdf, const char *driver)
{
	g_autofree char *dev = devpath(fs, bdf);
	g_autofree char *link = g_build_filename(dev, "driver", NULL);
	g_autofree char *drv_rel = g_strdup_printf("sys/bus/pci/drivers/%s/%s",
						   driver, bdf);
	g_autofree char *back = at(fs, drv_rel);
	g_autofree char *types = g_build_filename(dev, "mdev_supported_types", NULL);

	g_unlink(link);
	g_unlink(back);
	test_rm_tree(types);
}

void fake_sys_add_device(FakeSys *fs, const char *bdf, const char *id,
			 const char *native, const char *group)
{
	g_autofree char *dev = devpath(fs, bdf);
	g_autofree char *bus = g_strdup_printf("%s/sys/bus/pci/devices/%s", fs->root, bdf);
	g_autofree char *grp = g_strdup_printf("%s/sys/kernel/iommu_groups/%s", fs->root, group);
	g_autofree char *grp_link = g_build_filename(dev, "iommu_group", NULL);
	g_autofree char *member = g_strdup_printf("%s/devices/%s", grp, bdf);
	g_autofree char *rel = g_strdup_printf("sys/devices/pci0000:00/%s", bdf);
	g_autofree char *vendor = g_strdup_printf("0x%.4s\n", id);
	g_autofree char *device = g_strdup_printf("0x%s\n", id + 5);
	g_autofree char *f = NULL;

	mkdir_rel(fs, rel);
	f = g_strdup_printf("%s/vendor", rel);
	fake_sys_file(fs, f, vendor);
	g_free(f);
	f = g_strdup_printf("%s/device", rel);
	fake_sys_file(fs, f, device);
	g_free(f);
	/* QEMU's subsystem ids. */
	f = g_strdup_printf("%s/subsystem_vendor", rel);
	fake_sys_file(fs, f, "0x1af4\n");
	g_free(f);
	f = g_strdup_printf("%s/subsystem_device", rel);
	fake_sys_file(fs, f, "0x1100\n");
	g_free(f);
	f = g_strdup_printf("%s/driver_override", rel);
	fake_sys_file(fs, f, "(null)\n");
	link_abs(dev, bus);
	link_abs(grp, grp_link);
	link_abs(dev, member);
	if (native) {
		g_hash_table_insert(fs->native, g_strdup(bdf), g_strdup(native));
		bind(fs, bdf, native);
	}
}

static void add_class_member(FakeSys *fs, const char *bdf, const char *class,
			     const char *below, const char *name)
{
	g_autofree char *rel = g_strdup_printf("sys/devices/pci0000:00/%s/%s/%s",
					       bdf, below, name);
	g_autofree char *dir = at(fs, rel);
	g_autofree char *cls = g_strdup_printf("%s/sys/class/%s/%s", fs->root,
					       class, name);

	mkdir_rel(fs, rel);
	link_abs(dir, cls);
}

void fake_sys_add_net(FakeSys *fs, const char *bdf, const char *ifname,
		      gboolean up)
{
	g_autofree char *flags = g_strdup_printf("sys/class/net/%s/flags", ifname);

	add_class_member(fs, bdf, "net", "net", ifname);
	fake_sys_file(fs, flags, up ? "0x1003\n" : "0x1002\n");
}


void fake_sys_add_class_member(FakeSys *fs, const char *bdf, const char *class,
			       const char *name)
{
	add_class_member(fs, bdf, class, class, name);
}

/* Block device @name in directory @dir (relative), with dev and holders/. */
static void add_block_at(FakeSys *fs, const char *dir, const char *name,
			 const char *majmin)
{
	g_autofree char *dev = g_strdup_printf("%s/dev", dir);
	g_autofree char *holders = g_strdup_printf("%s/holders", dir);
	g_autofree char *value = g_strdup_printf("%s\n", majmin);
	g_autofree char *target = at(fs, dir);
	g_autofree char *cls = g_strdup_printf("%s/sys/class/block/%s", fs->root, name);

	mkdir_rel(fs, holders);
	fake_sys_file(fs, dev, value);
	link_abs(target, cls);
}

void fake_sys_add_block(FakeSys *fs, const char *bdf, const char *name,
			const char *majmin)
{
	g_autofree char *rel = g_strdup_printf("sys/devices/pci0000:00/%s/nvme/nvme0/%s",
					       bdf, name);

	add_block_at(fs, rel, name, majmin);
}

void fake_sys_add_partition(FakeSys *fs, const char *disk, const char *name,
			    const char *majmin)
{
	g_autofree char *cls = g_strdup_printf("%s/sys/class/block/%s", fs->root, disk);
	g_autofree char *disk_dir = g_file_read_link(cls, NULL);
	g_autofree char *rel = NULL;
	g_autofree char *part = NULL;

	g_assert_nonnull(disk_dir);
	rel = g_strdup_printf("%s/%s", disk_dir + strlen(fs->root) + 1, name);
	part = g_strdup_printf("%s/partition", rel);
	add_block_at(fs, rel, name, majmin);
	fake_sys_file(fs, part, "1\n");
}

void fake_sys_add_virtual_block(FakeSys *fs, const char *name,
				const char *majmin, const char *below)
{
	g_autofree char *rel = g_strdup_printf("sys/devices/virtual/block/%s", name);
	g_autofree char *holder = NULL;
	g_autofree char *target = at(fs, rel);

	add_block_at(fs, rel, name, majmin);
	if (!below)
		return;
	holder = g_strdup_printf("%s/sys/class/block/%s/holders/%s", fs->root,
				 below, name);
	link_abs(target, holder);
}

void fake_sys_link(FakeSys *fs, const char *rel, const char *target)
{
	g_autofree char *link = at(fs, rel);

	link_abs(target, link);
}

void fake_sys_add_mdev(FakeSys *fs, const char *bdf, const char *uuid)
{
	g_autofree char *rel = g_strdup_printf(
		"sys/devices/pci0000:00/%s/mdev_supported_types/vfio-mdev-pci-type1/devices/%s",
		bdf, uuid);
	g_autofree char *bus = g_strdup_printf("sys/bus/mdev/devices/%s", uuid);

	mkdir_rel(fs, rel);
	mkdir_rel(fs, bus);
}

void fake_sys_define(FakeSys *fs, const char *bdf, const char *uuid,
		     const char *type, gboolean autostart)
{
	g_autofree char *rel = g_strdup_printf("etc/mdevctl.d/%s/%s", bdf, uuid);
	g_autofree char *json = g_strdup_printf(
		"{\n  \"mdev_type\": \"%s\",\n  \"start\": \"%s\",\n  \"attrs\": []\n}",
		type, autostart ? "auto" : "manual");

	fake_sys_file(fs, rel, json);
}

void fake_sys_refuse(FakeSys *fs, const char *driver)
{
	g_hash_table_add(fs->refused, g_strdup(driver));
}

void fake_sys_registering(FakeSys *fs, const char *driver)
{
	g_hash_table_add(fs->registering, g_strdup(driver));
}

char *fake_sys_driver(FakeSys *fs, const char *bdf)
{
	g_autofree char *dev = devpath(fs, bdf);
	g_autofree char *link = g_build_filename(dev, "driver", NULL);

	return vmp_sysfs_link_name(link);
}

/* drivers_probe: bind to the override if set, else to the native driver. */
static void probe(FakeSys *fs, const char *bdf)
{
	g_autofree char *dev = devpath(fs, bdf);
	g_autofree char *ovr_path = g_build_filename(dev, "driver_override", NULL);
	g_autofree char *ovr = vmp_sysfs_read(ovr_path, NULL);
	g_autofree char *current = fake_sys_driver(fs, bdf);
	const char *want;
	g_autofree char *drv_rel = NULL;
	g_autofree char *drv = NULL;

	if (current)
		return;
	want = ovr && !g_str_equal(ovr, "(null)") ? ovr :
	       g_hash_table_lookup(fs->native, bdf);
	if (!want || g_hash_table_contains(fs->refused, want))
		return;
	drv_rel = g_strdup_printf("sys/bus/pci/drivers/%s", want);
	drv = at(fs, drv_rel);
	if (g_file_test(drv, G_FILE_TEST_IS_DIR))
		bind(fs, bdf, want);
}

static gboolean fail(GError **error, const char *path)
{
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NODEV,
		    "fake kernel: write to %s refused.", path);
	return FALSE;
}

static gboolean kernel_model(const char *path, const char *value,
			     gpointer data, GError **error)
{
	FakeSys *fs = data;
	g_autofree char *v = g_strchomp(g_strdup(value));
	const char *rel;
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *owner = g_path_get_basename(dir);

	g_assert_true(g_str_has_prefix(path, fs->root));
	rel = path + strlen(fs->root) + 1;
	g_string_append_printf(fs->writes, "%s <- %s\n", rel, v);
	if (g_str_equal(base, "driver_override")) {
		g_autofree char *shown = g_strdup_printf("%s\n", *v ? v : "(null)");

		return g_file_set_contents(path, shown, -1, error);
	}
	if (g_str_equal(rel, TYPE_NAMES)) {
		g_autofree char *shown = g_strdup_printf("%s\n", v);

		return g_file_set_contents(path, shown, -1, error);
	}
	if (g_str_equal(rel, "sys/bus/pci/drivers_probe")) {
		probe(fs, v);
		return TRUE;
	}
	if (g_str_equal(base, "unbind") &&
	    g_hash_table_contains(fs->registering, owner)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "fake kernel: %s does not exist.", path);
		return FALSE;
	}
	if (g_str_equal(base, "unbind")) {
		g_autofree char *current = fake_sys_driver(fs, v);

		if (g_strcmp0(current, owner) != 0)
			return fail(error, path);
		unbind(fs, v, owner);
		return TRUE;
	}
	return fail(error, path);
}

FakeSys *fake_sys_new(void)
{
	FakeSys *fs = g_new0(FakeSys, 1);

	fs->root = g_dir_make_tmp("vmp-test-XXXXXX", NULL);
	g_assert_nonnull(fs->root);
	fs->native = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	fs->refused = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fs->registering = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fs->writes = g_string_new(NULL);
	mkdir_rel(fs, "sys/bus/pci/devices");
	mkdir_rel(fs, "sys/bus/mdev/devices");
	mkdir_rel(fs, "sys/class/net");
	mkdir_rel(fs, "sys/class/block");
	fake_sys_file(fs, "sys/bus/pci/drivers_probe", "");
	fake_sys_file(fs, "proc/self/mountinfo", "");
	fake_sys_file(fs, "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	g_setenv("VFIO_MDEV_PCI_TEST_ROOT", fs->root, TRUE);
	/* The module is "loaded" unless a test removes the driver directory. */
	g_setenv("VFIO_MDEV_PCI_TEST_MODPROBE", "true", TRUE);
	vmp_sysfs_set_writer(kernel_model, fs);
	return fs;
}

FakeSys *fake_sys_new_nic(void)
{
	FakeSys *fs = fake_sys_new();

	fake_sys_add_driver(fs, "e1000");
	fake_sys_add_driver(fs, "vfio-mdev-pci");
	fake_sys_add_device(fs, FAKE_NIC, "8086:100e", "e1000", "7");
	return fs;
}

void fake_sys_free(FakeSys *fs)
{
	vmp_sysfs_set_writer(NULL, NULL);
	g_unsetenv("VFIO_MDEV_PCI_TEST_ROOT");
	if (!g_getenv("VMP_TEST_KEEP"))
		test_rm_tree(fs->root);
	g_hash_table_unref(fs->native);
	g_hash_table_unref(fs->refused);
	g_hash_table_unref(fs->registering);
	g_string_free(fs->writes, TRUE);
	g_free(fs->root);
	g_free(fs);
}

const char *fake_sys_root(FakeSys *fs)
{
	return fs->root;
}

const char *fake_sys_writes(FakeSys *fs)
{
	return fs->writes->str;
}

void fake_sys_clear_writes(FakeSys *fs)
{
	g_string_truncate(fs->writes, 0);
}

char *fake_sys_unroot(FakeSys *fs, const char *s)
{
	g_auto(GStrv) parts = g_strsplit(s, fs->root, -1);

	return g_strjoinv("ROOT", parts);
}
