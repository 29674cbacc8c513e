// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO device behind an mdev: vfio-pci-core on the parent pci_dev.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "compat.h"
#include "vfio_mdev_pci.h"

#define VMP_IOMMU_GROUP_LINK "iommu_group"

static struct vmp_core *to_vmp_core(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vmp_core, core.vdev);
}

static int vmp_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = &to_vmp_core(core_vdev)->core;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

/* Does @buf name @name, alone or followed by vfio-pci options? */
static size_t vmp_match_name(const char *buf, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(buf, name, len) || (buf[len] && buf[len] != ' '))
		return 0;
	return len;
}

/*
 * VFIO_GROUP_GET_DEVICE_FD takes the mdev's UUID. The PCI name would
 * reach the same device behind the mdev's back, so it is refused.
 */
static int vmp_match(struct vfio_device *core_vdev, char *buf)
{
	struct vmp_core *vcore = to_vmp_core(core_vdev);
	struct pci_dev *pdev = vcore->core.pdev;
	const char *uuid = dev_name(&vcore->mdev->dev);
	size_t len = vmp_match_name(buf, uuid);
	char *pci_buf;
	int ret;

	if (len) {
		/* vfio-pci-core checks what follows, such as a VF token. */
		pci_buf = kasprintf(GFP_KERNEL, "%s%s", pci_name(pdev),
				    buf + len);
		if (!pci_buf)
			return -ENOMEM;
		ret = vfio_pci_core_match(core_vdev, pci_buf);
		kfree(pci_buf);
		return ret;
	}

	if (vmp_match_name(buf, pci_name(pdev)))
		dev_warn_ratelimited(&pdev->dev,
				     "open by PCI name refused, the device is mdev %s\n",
				     uuid);
	return 0;
}

/* The last put may come after the mdev, its type and the parent's remove. */
static void vmp_release_dev(struct vfio_device *core_vdev)
{
	struct vmp_parent *parent = to_vmp_core(core_vdev)->parent;

	vfio_pci_core_release_dev(core_vdev);
	vmp_parent_put(parent);
}

static const struct vfio_device_ops vmp_vfio_ops = {
	.name = VMP_DRIVER_NAME,
	.init = vfio_pci_core_init_dev,
	.release = vmp_release_dev,
	.open_device = vmp_open_device,
	.close_device = vfio_pci_core_close_device,
	.ioctl = vfio_pci_core_ioctl,
	VMP_OPS_GET_REGION_INFO_CAPS
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vmp_match,
	VMP_OPS_MATCH_TOKEN_UUID
	VMP_OPS_IOMMUFD
	VMP_OPS_DETACH_IOAS
	VMP_OPS_PASID_IOAS
};

/*
 * QEMU and libvirt find the group through the mdev's iommu_group link.
 * The mdev itself must stay out of the group (type1 would try to attach
 * it), so link to the parent's group kobject: struct iommu_group is
 * private to the IOMMU core, but its kobject is its first member; check
 * by the kobject's name, which is the group id.
 */
static int vmp_link_iommu_group(struct vmp_core *vcore)
{
	struct pci_dev *pdev = vcore->core.pdev;
	struct iommu_group *group;
	struct kobject *kobj;
	char id[12];
	int ret;

	group = iommu_group_get(&pdev->dev);
	if (!group)
		return -ENODEV;

	kobj = (struct kobject *)group;
	snprintf(id, sizeof(id), "%d", iommu_group_id(group));
	if (strcmp(kobject_name(kobj), id)) {
		pci_warn(pdev, "unknown struct iommu_group layout\n");
		ret = -EOPNOTSUPP;
		goto out_put_group;
	}

	ret = sysfs_create_link(&vcore->mdev->dev.kobj, kobj,
				VMP_IOMMU_GROUP_LINK);

out_put_group:
	iommu_group_put(group);
	return ret;
}

static void vmp_unlink_iommu_group(struct vmp_core *vcore)
{
	sysfs_remove_link(&vcore->mdev->dev.kobj, VMP_IOMMU_GROUP_LINK);
}

/**
 * vmp_vfio_create - the mdev driver's probe
 * @mdev: the new mdev
 *
 * The core device's vfio_device is on the parent pci_dev, so
 * vfio_pci_core_init_dev() works unchanged and the device joins the
 * parent's IOMMU group; its class device (vfioN) hangs off the mdev.
 *
 * Return: 0 or a negative errno.
 */
int vmp_vfio_create(struct mdev_device *mdev)
{
	struct vmp_parent *parent = vmp_type_parent(mdev->type);
	struct pci_dev *pdev = parent->pdev;
	struct vmp_core *vcore;
	int ret;

	/* The mdev probe: the driver core holds it, and unreg_sem is ours. */
	device_lock_assert(&mdev->dev);
	vcore = vfio_alloc_device(vmp_core, core.vdev, &pdev->dev,
				  &vmp_vfio_ops);
	if (IS_ERR(vcore))
		return PTR_ERR(vcore);

	/* Dropped by vmp_release_dev(). */
	vmp_parent_get(parent);
	vcore->parent = parent;
	vcore->mdev = mdev;
	vcore->core.vdev.device.parent = &mdev->dev;
	vmp_compat_set_device_params(&vcore->core, vmp_param_nointxmask(),
				     vmp_param_disable_vga(),
				     vmp_param_disable_idle_d3());
	vmp_compat_set_pci_ops(&vcore->core);

	ret = vmp_link_iommu_group(vcore);
	if (ret)
		goto out_put_vdev;

	ret = vmp_parent_lock(parent, true);
	if (ret) {
		if (ret == -EBUSY)
			pci_warn(pdev, "device lock busy, mdev %s not created; try again\n",
				 dev_name(&mdev->dev));
		goto out_unlink_group;
	}
	/* The parent's one instance (vmp_get_available()) is taken. */
	if (parent->core) {
		ret = -EUSERS;
		goto out_unlock;
	}

	/*
	 * vfio-pci-core wants drvdata to be its device from registration
	 * until unregistration returns; its runtime PM, error and VGA
	 * callbacks read it. Ours forward to it while parent->core is set.
	 */
	pci_set_drvdata(pdev, &vcore->core);
	WRITE_ONCE(parent->core, vcore);
	ret = vfio_pci_core_register_device(&vcore->core);
	/* It may have pointed our PM ops at its own, even when failing. */
	vmp_pci_claim_pm_ops();
	if (ret)
		goto out_restore_drvdata;
	device_unlock(&pdev->dev);

	dev_set_drvdata(&mdev->dev, vcore);
	return 0;

out_restore_drvdata:
	WRITE_ONCE(parent->core, NULL);
	pci_set_drvdata(pdev, parent);
out_unlock:
	device_unlock(&pdev->dev);
out_unlink_group:
	vmp_unlink_iommu_group(vcore);
out_put_vdev:
	vfio_put_device(&vcore->core.vdev);
	return ret;
}

/**
 * vmp_vfio_remove - the mdev driver's remove
 * @mdev: the mdev going away
 *
 * Unregistering waits for the VFIO user to close the device, asking it
 * through the request eventfd.
 */
void vmp_vfio_remove(struct mdev_device *mdev)
{
	struct vmp_core *vcore = dev_get_drvdata(&mdev->dev);
	struct vmp_parent *parent = vcore->parent;
	struct pci_dev *pdev = parent->pdev;
	bool locked;

	device_lock_assert(&mdev->dev);
	/*
	 * Unlocked only while the parent's remove holds the lock for us, or
	 * the system shuts down.
	 */
	locked = !vmp_parent_lock(parent, false);
	vfio_pci_core_unregister_device(&vcore->core);
	WRITE_ONCE(parent->core, NULL);
	pci_set_drvdata(pdev, parent);
	if (locked)
		device_unlock(&pdev->dev);

	vmp_unlink_iommu_group(vcore);
	vfio_put_device(&vcore->core.vdev);
}
