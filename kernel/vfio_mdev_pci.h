/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-mdev-pci: a whole PCI device offered as a VFIO mediated device.
 *
 * The PCI driver (main.c) registers each bound device as an mdev parent
 * with two types that share one instance (mdev_parent.c): one named after
 * the device's model (type_name.c) and "type1", which every parent
 * offered before types had names. Creating the single mdev
 * registers a vfio-pci-core device whose device is the parent pci_dev
 * itself, so it joins the parent's real IOMMU group and gets vfio-pci's
 * complete behaviour (vfio_dev.c).
 *
 * The locks, their order and who keeps each object alive:
 * docs/kernel-locking.md in the source tree.
 */
#ifndef VMP_VFIO_MDEV_PCI_H
#define VMP_VFIO_MDEV_PCI_H

#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/mdev.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#define VMP_DRIVER_NAME "vfio-mdev-pci"
/* The longest type name (after "vfio-mdev-pci-"); the tool's too. */
#define VMP_TYPE_NAME_MAX 32
#define VMP_LEGACY_TYPE_NAME "type1"

struct vmp_core;
struct vmp_parent;

/**
 * struct vmp_type - one of a parent's mdev types
 * @type: the mdev core's type
 * @parent: the parent offering it
 * @ktype: the mdev core's ktype for @type but with a release that also
 *	drops the type's reference on @parent (see mdev_parent.c)
 * @mdev_ktype: the mdev core's ktype for @type
 * @sysfs_name: the name; the type id is "vfio-mdev-pci-" @sysfs_name
 * @pretty_name: the type's "name" attribute
 */
struct vmp_type {
	struct mdev_type type;
	struct vmp_parent *parent;
	const struct kobj_type *ktype;
	const struct kobj_type *mdev_ktype;
	char sysfs_name[VMP_TYPE_NAME_MAX + 1];
	char pretty_name[VMP_TYPE_NAME_MAX + 32];
};

/**
 * struct vmp_parent - a PCI device bound to vfio-mdev-pci
 * @mdev_parent: registration with the mdev core
 * @types: the model's type and the legacy "type1"
 * @mdev_types: @types as the list handed to the mdev core
 * @ref: held by the registration, by each type's kobject and by each
 *	vfio-pci-core device; the last one frees this struct
 * @pdev: the PCI device
 * @core: the registered vfio-pci-core device while an mdev exists; changed
 *	under the PCI device lock (see vmp_parent_lock())
 * @removing: set once the PCI driver's remove started
 */
struct vmp_parent {
	struct mdev_parent mdev_parent;
	struct vmp_type types[2];
	struct mdev_type *mdev_types[2];
	struct kref ref;
	struct pci_dev *pdev;
	struct vmp_core *core;
	bool removing;
};

static inline struct vmp_parent *vmp_type_parent(struct mdev_type *mtype)
{
	return container_of(mtype, struct vmp_type, type)->parent;
}

/**
 * struct vmp_core - the vfio-pci-core device behind an mdev
 * @core: vfio-pci-core's state; its vfio_device's device is the parent
 *	pci_dev, its class device's parent is the mdev
 * @parent: the mdev's parent
 * @mdev: the mdev
 */
struct vmp_core {
	struct vfio_pci_core_device core;
	struct vmp_parent *parent;
	struct mdev_device *mdev;
};

/* main.c */
void vmp_pci_claim_pm_ops(void);
bool vmp_param_nointxmask(void);
bool vmp_param_disable_vga(void);
bool vmp_param_disable_idle_d3(void);

/* mdev_parent.c */
int vmp_parent_register(struct pci_dev *pdev);
void vmp_parent_unregister(struct pci_dev *pdev);
struct vmp_parent *vmp_parent_find(struct pci_dev *pdev);
void vmp_parent_get(struct vmp_parent *parent);
void vmp_parent_put(struct vmp_parent *parent);
int vmp_parent_lock(struct vmp_parent *parent, bool can_fail);
int vmp_mdev_driver_register(void);
void vmp_mdev_driver_unregister(void);

/* type_name.c */
void vmp_type_name(struct pci_dev *pdev, char *buf);

/* vfio_dev.c */
int vmp_vfio_create(struct mdev_device *mdev);
void vmp_vfio_remove(struct mdev_device *mdev);

#endif /* VMP_VFIO_MDEV_PCI_H */
