// SPDX-License-Identifier: GPL-2.0-only
/*
 * The name of the mdev type a bound device offers, so that the type id
 * says which device model it is: fleet managers (OpenStack Nova,
 * KubeVirt) configure and count by type id, one resource class per type.
 *
 * The name is "vvvv-dddd" from the device's ids, unless the type_names
 * parameter names the device by address, by
 * vendor:device:subvendor:subdevice or by vendor:device (the first of
 * these that matches wins).  The type id is "vfio-mdev-pci-" and the name.
 * The parameter is read when a device is bound: a change applies to the
 * devices bound after it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vfio_mdev_pci.h"

/* "key=name[,key=name]...", checked whole on each write; under param lock */
static char *vmp_type_names;

/* The shapes of a key: 'x' is a lowercase hex digit, the rest literal. */
static const char * const vmp_key_shapes[] = {
	"xxxx:xx:xx.x",		/* the device's address */
	"xxxx:xxxx:xxxx:xxxx",	/* vendor:device:subvendor:subdevice */
	"xxxx:xxxx",		/* vendor:device */
};

static int vmp_key_rank(const char *key, size_t len)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < ARRAY_SIZE(vmp_key_shapes); i++) {
		const char *shape = vmp_key_shapes[i];

		if (len != strlen(shape))
			continue;
		for (j = 0; j < len; j++) {
			if (shape[j] == 'x' ?
			    !isxdigit(key[j]) || isupper(key[j]) :
			    key[j] != shape[j])
				break;
		}
		if (j == len)
			return i;
	}
	return -EINVAL;
}

static bool vmp_type_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > VMP_TYPE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '-' && name[i] != '_')
			return false;
	/* The type every parent offers as well (mdev_parent.c). */
	return len != strlen(VMP_LEGACY_TYPE_NAME) ||
	       memcmp(name, VMP_LEGACY_TYPE_NAME, len);
}

/*
 * Walk the entries of @list, calling @fn (unless NULL) with each key's
 * rank, the key, the name and its length; stop at the first nonzero
 * return and return it, or -EINVAL for an entry that is not "key=name"
 * with a valid name.  One newline may end the list (a sysfs write).
 */
static int vmp_type_names_walk(const char *list,
			       int (*fn)(int rank, const char *key,
					 const char *name, size_t len,
					 void *data),
			       void *data)
{
	const char *entry = list;

	while (*entry && strcmp(entry, "\n")) {
		size_t len = strcspn(entry, ",\n");
		const char *eq = memchr(entry, '=', len);
		size_t name_len;
		int rank, ret;

		if (!eq)
			return -EINVAL;
		rank = vmp_key_rank(entry, eq - entry);
		if (rank < 0)
			return rank;
		name_len = entry + len - eq - 1;
		if (!vmp_type_name_valid(eq + 1, name_len))
			return -EINVAL;
		if (fn) {
			ret = fn(rank, entry, eq + 1, name_len, data);
			if (ret)
				return ret;
		}
		entry += len;
		if (*entry == ',')
			entry++;
		else if (*entry == '\n' && entry[1])
			return -EINVAL;
	}
	return 0;
}

static int vmp_type_names_set(const char *val, const struct kernel_param *kp)
{
	char *list;
	int ret;

	ret = vmp_type_names_walk(val, NULL, NULL);
	if (ret) {
		pr_err("type_names: '%s' is not a list of address, vendor:device or vendor:device:subvendor:subdevice = name of 1 to %d letters, digits, '-' or '_', other than '%s'\n",
		       val, VMP_TYPE_NAME_MAX, VMP_LEGACY_TYPE_NAME);
		return ret;
	}
	list = kstrdup(val, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	list[strcspn(list, "\n")] = '\0';
	kfree(vmp_type_names);
	vmp_type_names = list;
	return 0;
}

static int vmp_type_names_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n",
			 vmp_type_names ? vmp_type_names : "");
}

static void vmp_type_names_free(void *arg)
{
	kfree(vmp_type_names);
	vmp_type_names = NULL;
}

static const struct kernel_param_ops vmp_type_names_ops = {
	.set = vmp_type_names_set,
	.get = vmp_type_names_get,
	.free = vmp_type_names_free,
};

module_param_cb(type_names, &vmp_type_names_ops, NULL, 0644);
MODULE_PARM_DESC(type_names, "mdev type names of devices bound from now on, format is \"key=name[,key=name...]\", a key being an address (0000:01:00.0), vendor:device:subvendor:subdevice or vendor:device (lowercase hex), the most specific first; a device no key names offers type vfio-mdev-pci-vvvv-dddd");

struct vmp_type_match {
	char keys[ARRAY_SIZE(vmp_key_shapes)][sizeof("xxxx:xxxx:xxxx:xxxx")];
	int rank;
	char *buf;
};

static int vmp_type_names_match(int rank, const char *key, const char *name,
				size_t len, void *data)
{
	struct vmp_type_match *m = data;

	if (rank >= m->rank || memcmp(key, m->keys[rank], strlen(m->keys[rank])))
		return 0;
	m->rank = rank;
	memcpy(m->buf, name, len);
	m->buf[len] = '\0';
	return 0;
}

/**
 * vmp_type_name - the name of the type @pdev offers when bound now
 * @pdev: the device
 * @buf: where the name goes, %VMP_TYPE_NAME_MAX + 1 bytes
 */
void vmp_type_name(struct pci_dev *pdev, char *buf)
{
	struct vmp_type_match m = { .rank = ARRAY_SIZE(vmp_key_shapes),
				    .buf = buf };

	snprintf(m.keys[0], sizeof(m.keys[0]), "%s", pci_name(pdev));
	snprintf(m.keys[1], sizeof(m.keys[1]), "%04x:%04x:%04x:%04x",
		 pdev->vendor, pdev->device, pdev->subsystem_vendor,
		 pdev->subsystem_device);
	snprintf(m.keys[2], sizeof(m.keys[2]), "%04x:%04x", pdev->vendor,
		 pdev->device);
	snprintf(buf, VMP_TYPE_NAME_MAX + 1, "%04x-%04x", pdev->vendor,
		 pdev->device);

	kernel_param_lock(THIS_MODULE);
	if (vmp_type_names)
		vmp_type_names_walk(vmp_type_names, vmp_type_names_match, &m);
	kernel_param_unlock(THIS_MODULE);
}
