// SPDX-License-Identifier: GPL-2.0-only
/*
 * DEVICE arguments and their sysfs facts: IOMMU group, parent PCI device,
 * vendor and device ids.
 *
 * An argument is checked character by character before it becomes part of
 * a path, so "../etc" or "x/../../y" never reaches the file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

const char *vc_sysfs_root(void)
{
	const char *root = getenv("VFIO_CLIENT_SYSFS");

	return root && *root ? root : "/sys";
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static unsigned int hex_value(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)(c - 'a' + 10);
}

/*
 * Lowercase only: the kernel names mdevs and PCI devices in lowercase, and
 * both sysfs lookups and VFIO_GROUP_GET_DEVICE_FD compare names exactly.
 */
static bool uuid_valid(const char *s)
{
	int i;

	for (i = 0; i < VC_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!is_lower_hex(s[i])) {
			return false;
		}
	}
	return s[VC_UUID_LEN] == '\0';
}

bool vc_bdf_valid(const char *s)
{
	static const char shape[] = "xxxx:xx:xx.x";
	size_t i;

	if (strlen(s) != VC_BDF_LEN)
		return false;
	for (i = 0; i < VC_BDF_LEN; i++) {
		if (shape[i] == 'x' ? !is_lower_hex(s[i]) : s[i] != shape[i])
			return false;
	}
	/* Device 00-1f, function 0-7. */
	return hex_value(s[8]) * 16 + hex_value(s[9]) <= 0x1f && s[11] <= '7';
}

int vc_dev_parse(const char *arg, struct vc_dev *dev, struct vc_err *err)
{
	if (strlen(arg) == VC_UUID_LEN) {
		if (!uuid_valid(arg))
			return vc_fail(err,
				       "invalid device name '%s': not an mdev UUID (lowercase 8-4-4-4-12 hex digits)",
				       arg);
		dev->kind = VC_DEV_MDEV;
	} else {
		if (!vc_bdf_valid(arg))
			return vc_fail(err,
				       "invalid device name '%.64s': expected an mdev UUID or a PCI address DDDD:BB:DD.F (lowercase hex)",
				       arg);
		dev->kind = VC_DEV_PCI;
	}
	strcpy(dev->name, arg);		/* length checked above */
	return 0;
}

static const char *dev_bus(const struct vc_dev *dev)
{
	return dev->kind == VC_DEV_MDEV ? "mdev" : "pci";
}

int vc_dev_group(const struct vc_dev *dev, unsigned int *group,
		 struct vc_err *err)
{
	char dir[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	unsigned long id;
	const char *base;
	struct stat st;
	ssize_t len;

	if (vc_path(dir, sizeof(dir), err, "%s/bus/%s/devices/%s",
		    vc_sysfs_root(), dev_bus(dev), dev->name) ||
	    vc_path(link, sizeof(link), err, "%s/iommu_group", dir))
		return -1;

	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0) {
		if (errno != ENOENT)
			return vc_fail_errno(err, "%s: readlink %s",
					     dev->name, link);
		if (lstat(dir, &st) < 0)
			return vc_fail_errno(err, "%s: no such %s device: %s",
					     dev->name, dev_bus(dev), dir);
		return vc_fail(err,
			       "%s has no IOMMU group: %s is missing (IOMMU off, or the driver does not link the group)",
			       dev->name, link);
	}
	target[len] = '\0';

	/* QEMU and libvirt do the same: the group is the link's basename. */
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (vc_parse_ulong(base, 0, INT_MAX, &id))
		return vc_fail(err, "%s: %s points to '%s', not an IOMMU group",
			       dev->name, link, target);
	*group = (unsigned int)id;
	return 0;
}

int vc_dev_pci_name(const struct vc_dev *dev, char bdf[VC_BDF_LEN + 1],
		    struct vc_err *err)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *base;

	if (dev->kind == VC_DEV_PCI) {
		strcpy(bdf, dev->name);
		return 0;
	}

	/* An mdev's sysfs directory sits inside its parent's directory. */
	if (vc_path(path, sizeof(path), err, "%s/bus/mdev/devices/%s/..",
		    vc_sysfs_root(), dev->name))
		return -1;
	if (!realpath(path, real))
		return vc_fail_errno(err, "%s: parent device: realpath %s",
				     dev->name, path);
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (!vc_bdf_valid(base))
		return vc_fail(err, "%s: parent %s is not a PCI device",
			       dev->name, real);
	strcpy(bdf, base);
	return 0;
}

static int read_attr(const char *path, char *buf, size_t size,
		     struct vc_err *err)
{
	ssize_t len;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vc_fail_errno(err, "open %s", path);
	len = read(fd, buf, size - 1);
	saved = errno;
	close(fd);
	if (len < 0) {
		errno = saved;
		return vc_fail_errno(err, "read %s", path);
	}
	buf[len] = '\0';
	return 0;
}

static int read_id(const char *bdf, const char *attr, uint16_t *id,
		   struct vc_err *err)
{
	char path[PATH_MAX], buf[16];
	int i;

	if (vc_path(path, sizeof(path), err, "%s/bus/pci/devices/%s/%s",
		    vc_sysfs_root(), bdf, attr) ||
	    read_attr(path, buf, sizeof(buf), err))
		return -1;

	/* The kernel prints these as "0x%04x\n". */
	if (strlen(buf) != 7 || buf[0] != '0' || buf[1] != 'x' ||
	    buf[6] != '\n')
		return vc_fail(err, "%s: unexpected content", path);
	*id = 0;
	for (i = 2; i < 6; i++) {
		if (!is_lower_hex(buf[i]))
			return vc_fail(err, "%s: unexpected content", path);
		*id = (uint16_t)(*id * 16 + hex_value(buf[i]));
	}
	return 0;
}

int vc_pci_ids(const char *bdf, uint16_t *vendor, uint16_t *device,
	       struct vc_err *err)
{
	if (read_id(bdf, "vendor", vendor, err) ||
	    read_id(bdf, "device", device, err))
		return -1;
	return 0;
}
