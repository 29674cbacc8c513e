// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev side of a bound PCI device: one parent, two types (the model's
 * and the legacy "type1"), one instance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kmemleak.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>
#include <linux/wait_bit.h>
#include <linux/xarray.h>

#include "vfio_mdev_pci.h"

/*
 * Bound devices by PCI domain and routing id. The PCI error handlers and
 * PM callbacks need the parent while drvdata belongs to vfio-pci-core.
 */
static DEFINE_XARRAY(vmp_parents);

/* Parents not yet freed; module exit waits for none to be left. */
static atomic_t vmp_nr_parents = ATOMIC_INIT(0);

static unsigned long vmp_parent_index(struct pci_dev *pdev)
{
	return (unsigned long)pci_domain_nr(pdev->bus) << 16 | pci_dev_id(pdev);
}

struct vmp_parent *vmp_parent_find(struct pci_dev *pdev)
{
	return xa_load(&vmp_parents, vmp_parent_index(pdev));
}

/* How long an mdev create waits for the PCI device lock before failing. */
#define VMP_LOCK_TIMEOUT (10 * HZ)

/**
 * vmp_parent_lock - take the PCI device lock unless it cannot come
 * @parent: the parent
 * @can_fail: the caller may give up after VMP_LOCK_TIMEOUT (an mdev
 *	create may, a remove may not)
 *
 * The mdev probe and remove callbacks run with the mdev parent's unreg_sem
 * held for read and the mdev's own device lock held by the driver core,
 * and vfio-pci-core wants the PCI device lock around (un)registration.
 * Two holders of that lock wait for us, so a plain device_lock() here
 * would deadlock:
 *
 * - the parent's unbind, which holds it and takes unreg_sem for write in
 *   mdev_unregister_parent(); once @parent->removing is set, that thread
 *   holds the lock for us and nothing else can run under it;
 * - device_shutdown(), which holds it (as the mdev's parent) and waits for
 *   the mdev's device lock.
 *
 * So try until the lock is ours, or one of those has started
 * (docs/kernel-locking.md has the whole order).
 *
 * Return: 0 with the PCI device lock held; -ENODEV once the parent's
 * remove has started, -ESHUTDOWN once the system is going down, -EBUSY
 * after VMP_LOCK_TIMEOUT when @can_fail; without the lock in each case.
 */
int vmp_parent_lock(struct vmp_parent *parent, bool can_fail)
{
	unsigned long timeout = jiffies + VMP_LOCK_TIMEOUT;

	while (!device_trylock(&parent->pdev->dev)) {
		if (READ_ONCE(parent->removing))
			return -ENODEV;
		if (system_state > SYSTEM_RUNNING)
			return -ESHUTDOWN;
		if (can_fail && time_after(jiffies, timeout))
			return -EBUSY;
		usleep_range(500, 1000);
	}
	return 0;
}

/*
 * The last reference may be dropped by a release callback that the
 * driver core runs after module exit has started (a kobject release,
 * delayed by CONFIG_DEBUG_KOBJECT_RELEASE).  Module exit waits for the
 * count to reach zero and then for an RCU grace period, so the thread
 * that woke it has left the read-side section below -- the last thing
 * each caller does in this module -- before the module text goes.
 */
static void vmp_parent_uncount(void)
{
	if (atomic_dec_and_test(&vmp_nr_parents))
		wake_up_var(&vmp_nr_parents);
}

static void vmp_parent_release(struct kref *ref)
{
	kfree(container_of(ref, struct vmp_parent, ref));
	vmp_parent_uncount();
}

void vmp_parent_get(struct vmp_parent *parent)
{
	kref_get(&parent->ref);
}

void vmp_parent_put(struct vmp_parent *parent)
{
	rcu_read_lock();
	kref_put(&parent->ref, vmp_parent_release);
	rcu_read_unlock();
}

/*
 * The struct embeds the mdev core's parent and types, and three parties
 * use it after the PCI driver's remove could free it:
 *
 * - mdev_unregister_parent() itself, after dropping a type kobject's
 *   last reference: without CONFIG_DEBUG_KOBJECT_RELEASE the type's
 *   release runs right there, before the mdev core is done with the
 *   parent (nr_types, the kset, unreg_sem, the uevent);
 * - a type's release, which dereferences type->parent and with
 *   CONFIG_DEBUG_KOBJECT_RELEASE runs seconds after the parent is gone;
 * - a vfio-pci-core device's release, which calls our ops and may run
 *   after its mdev and the types are released (device_del() dropped its
 *   hold on the mdev).
 *
 * So each holds a reference (see @ref) and module exit waits for the
 * last. A type gets a ktype like the mdev core's whose release calls
 * the original and then drops the type's reference: the mdev core has
 * no release callback of its own for a driver's types.
 */
static void vmp_type_release(struct kobject *kobj)
{
	struct vmp_type *vtype = container_of(kobj, struct vmp_type, type.kobj);

	if (vtype->mdev_ktype->release)
		vtype->mdev_ktype->release(kobj);
	/* kobject_cleanup() is done with the ktype once this returns. */
	kfree(vtype->ktype);
	vmp_parent_put(vtype->parent);
}

/* Before registration, so that hooking the release cannot fail after it. */
static int vmp_type_alloc_ktype(struct vmp_type *vtype)
{
	vtype->ktype = kzalloc(sizeof(*vtype->ktype), GFP_KERNEL);
	return vtype->ktype ? 0 : -ENOMEM;
}

static void vmp_type_hook_release(struct vmp_type *vtype)
{
	const struct kobj_type *mdev_ktype = vtype->type.kobj.ktype;
	const struct kobj_type ktype = {
		.release = vmp_type_release,
		.sysfs_ops = mdev_ktype->sysfs_ops,
		.default_groups = mdev_ktype->default_groups,
		.child_ns_type = mdev_ktype->child_ns_type,
		.namespace = mdev_ktype->namespace,
		.get_ownership = mdev_ktype->get_ownership,
	};

	/* Ours until the kobject points at it, read-only from then on. */
	memcpy((void *)vtype->ktype, &ktype, sizeof(ktype));
	vtype->mdev_ktype = mdev_ktype;
	vmp_parent_get(vtype->parent);
	WRITE_ONCE(vtype->type.kobj.ktype, vtype->ktype);
}

static ssize_t vmp_show_description(struct mdev_type *mtype, char *buf)
{
	struct pci_dev *pdev = vmp_type_parent(mtype)->pdev;

	return sysfs_emit(buf,
			  "whole PCI device %04x:%04x (subsystem %04x:%04x), class %06x, at %s\n",
			  pdev->vendor, pdev->device, pdev->subsystem_vendor,
			  pdev->subsystem_device, pdev->class, pci_name(pdev));
}

/*
 * One instance per parent, shared by its types: a struct device carries
 * one vfio_device. We
 * count it ourselves: parent->core is set, under the PCI device lock, by
 * the one create that succeeds (vmp_vfio_create()) and cleared by its
 * remove. The mdev core's own count (.max_instances) takes the instance
 * before allocating the mdev and does not give it back when that
 * allocation fails (6.12's mdev_device_create()), which left the parent
 * with no instance until it was unbound (the debug tier's fault-inject).
 */
static unsigned int vmp_get_available(struct mdev_type *mtype)
{
	return READ_ONCE(vmp_type_parent(mtype)->core) ? 0 : 1;
}

static struct mdev_driver vmp_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.get_available = vmp_get_available,
	.probe = vmp_vfio_create,
	.remove = vmp_vfio_remove,
	.show_description = vmp_show_description,
	.driver = {
		.name = VMP_DRIVER_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
};

static int vmp_type_init(struct vmp_parent *parent, unsigned int i,
			 const char *name, const char *pretty_name)
{
	struct vmp_type *vtype = &parent->types[i];

	vtype->parent = parent;
	strscpy(vtype->sysfs_name, name, sizeof(vtype->sysfs_name));
	strscpy(vtype->pretty_name, pretty_name, sizeof(vtype->pretty_name));
	vtype->type.sysfs_name = vtype->sysfs_name;
	vtype->type.pretty_name = vtype->pretty_name;
	parent->mdev_types[i] = &vtype->type;
	return vmp_type_alloc_ktype(vtype);
}

static void vmp_types_free_ktypes(struct vmp_parent *parent)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(parent->types); i++) {
		kfree(parent->types[i].ktype);
		parent->types[i].ktype = NULL;
	}
}

int vmp_parent_register(struct pci_dev *pdev)
{
	char name[VMP_TYPE_NAME_MAX + 1], pretty_name[VMP_TYPE_NAME_MAX + 32];
	struct vmp_parent *parent;
	unsigned int i;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	atomic_inc(&vmp_nr_parents);
	kref_init(&parent->ref);

	parent->pdev = pdev;
	vmp_type_name(pdev, name);
	snprintf(pretty_name, sizeof(pretty_name), "%s %s", VMP_DRIVER_NAME,
		 name);
	ret = vmp_type_init(parent, 0, name, pretty_name);
	if (ret)
		goto out_free_parent;
	/* Its name as when it was the only type: definitions may use it. */
	snprintf(pretty_name, sizeof(pretty_name), "%s %04x:%04x",
		 VMP_DRIVER_NAME, pdev->vendor, pdev->device);
	ret = vmp_type_init(parent, 1, VMP_LEGACY_TYPE_NAME, pretty_name);
	if (ret)
		goto out_free_parent;

	ret = xa_insert(&vmp_parents, vmp_parent_index(pdev), parent,
			GFP_KERNEL);
	if (ret)
		goto out_free_parent;

	pci_set_drvdata(pdev, parent);
	ret = mdev_register_parent(&parent->mdev_parent, &pdev->dev,
				   &vmp_mdev_driver, parent->mdev_types,
				   ARRAY_SIZE(parent->mdev_types));
	if (ret)
		goto out_erase_parent;

	/* Nothing can drop a type's last reference before this. */
	for (i = 0; i < ARRAY_SIZE(parent->types); i++)
		vmp_type_hook_release(&parent->types[i]);
	return 0;

out_erase_parent:
	pci_set_drvdata(pdev, NULL);
	xa_erase(&vmp_parents, vmp_parent_index(pdev));
	/* No kobject uses them: the mdev core's ktype is still theirs. */
	vmp_types_free_ktypes(parent);
	if (parent->types[0].type.kobj.state_initialized) {
		/*
		 * A type kobject existed (mdev_type_add() may also fail
		 * after kobject_init_and_add()), and its release, still the
		 * mdev core's, reads type->parent whenever it runs: with
		 * CONFIG_DEBUG_KOBJECT_RELEASE seconds from now, perhaps
		 * after module exit.  Nothing lets us observe it, so the
		 * struct is never freed, once per such failure.
		 */
		kmemleak_not_leak(parent);
		vmp_parent_uncount();
		return ret;
	}
out_free_parent:
	vmp_types_free_ktypes(parent);
	vmp_parent_put(parent);
	return ret;
}

void vmp_parent_unregister(struct pci_dev *pdev)
{
	struct vmp_parent *parent = vmp_parent_find(pdev);

	/* Remove: held for the mdev removals below (vmp_parent_lock()). */
	device_lock_assert(&pdev->dev);
	/* Lets an mdev remove waiting in vmp_parent_lock() go on. */
	WRITE_ONCE(parent->removing, true);
	mdev_unregister_parent(&parent->mdev_parent);
	/*
	 * No lookup can race: the error handlers wait for the device lock
	 * that the driver core holds around remove, and runtime PM stays
	 * resumed while no vfio-pci-core device is registered.
	 */
	xa_erase(&vmp_parents, vmp_parent_index(pdev));
	pci_set_drvdata(pdev, NULL);
	vmp_parent_put(parent);
}

int vmp_mdev_driver_register(void)
{
	return mdev_register_driver(&vmp_mdev_driver);
}

void vmp_mdev_driver_unregister(void)
{
	mdev_unregister_driver(&vmp_mdev_driver);
	/*
	 * Every parent is unregistered by now; wait for the type kobject
	 * and vfio device releases, which run code of this module, and for
	 * the thread that dropped the last reference to leave it (see
	 * vmp_parent_release()).
	 */
	wait_var_event(&vmp_nr_parents, !atomic_read(&vmp_nr_parents));
	synchronize_rcu();
}
