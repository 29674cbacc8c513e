/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-mdev-pci: a whole PCI device offered as a VFIO mediated device.
 *
 * The PCI driver (main.c) registers each bound device as an mdev parent
 * with one type (mdev_parent.c). Creating that type's single mdev
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

struct vmp_core;

/**
 * struct vmp_parent - a PCI device bound to vfio-mdev-pci
 * @mdev_parent: registration with the mdev core
 * @type: the one mdev type, directory "vfio-mdev-pci-type1"
 * @types: the type list handed to the mdev core
 * @type_ktype: the mdev core's ktype for @type but with a release that
 *	also drops the type's reference (see mdev_parent.c)
 * @mdev_type_ktype: the mdev core's ktype for @type
 * @ref: held by the registration, by @type's kobject and by each
 *	vfio-pci-core device; the last one frees this struct
 * @pdev: the PCI device
 * @core: the registered vfio-pci-core device while an mdev exists; changed
 *	under the PCI device lock (see vmp_parent_lock())
 * @removing: set once the PCI driver's remove started
 * @name: the type's pretty name, "vfio-mdev-pci VVVV:DDDD"
 */
struct vmp_parent {
	struct mdev_parent mdev_parent;
	struct mdev_type type;
	struct mdev_type *types[1];
	const struct kobj_type *type_ktype;
	const struct kobj_type *mdev_type_ktype;
	struct kref ref;
	struct pci_dev *pdev;
	struct vmp_core *core;
	bool removing;
	char name[32];
};

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

/* vfio_dev.c */
int vmp_vfio_create(struct mdev_device *mdev);
void vmp_vfio_remove(struct mdev_device *mdev);

#endif /* VMP_VFIO_MDEV_PCI_H */
