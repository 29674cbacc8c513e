// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev side of a bound PCI device: one parent, one type, one instance.
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
 * The struct embeds the mdev core's parent and type, and three parties
 * use it after the PCI driver's remove could free it:
 *
 * - mdev_unregister_parent() itself, after dropping the type kobject's
 *   last reference: without CONFIG_DEBUG_KOBJECT_RELEASE the type's
 *   release runs right there, before the mdev core is done with the
 *   parent (nr_types, the kset, unreg_sem, the uevent);
 * - the type's release, which dereferences type->parent and with
 *   CONFIG_DEBUG_KOBJECT_RELEASE runs seconds after the parent is gone;
 * - a vfio-pci-core device's release, which calls our ops and may run
 *   after its mdev and the type are released (device_del() dropped its
 *   hold on the mdev).
 *
 * So each holds a reference (see @ref) and module exit waits for the
 * last. The type gets a ktype like the mdev core's whose release calls
 * the original and then drops the type's reference.
 */
static void vmp_type_release(struct kobject *kobj)
{
	struct vmp_parent *parent =
		container_of(kobj, struct vmp_parent, type.kobj);

	if (parent->mdev_type_ktype->release)
		parent->mdev_type_ktype->release(kobj);
	/* kobject_cleanup() is done with the ktype once this returns. */
	kfree(parent->type_ktype);
	vmp_parent_put(parent);
}

static int vmp_type_hook_release(struct vmp_parent *parent)
{
	const struct kobj_type *mdev_ktype = parent->type.kobj.ktype;
	const struct kobj_type ktype = {
		.release = vmp_type_release,
		.sysfs_ops = mdev_ktype->sysfs_ops,
		.default_groups = mdev_ktype->default_groups,
		.child_ns_type = mdev_ktype->child_ns_type,
		.namespace = mdev_ktype->namespace,
		.get_ownership = mdev_ktype->get_ownership,
	};

	parent->type_ktype = kmemdup(&ktype, sizeof(ktype), GFP_KERNEL);
	if (!parent->type_ktype)
		return -ENOMEM;
	parent->mdev_type_ktype = mdev_ktype;
	vmp_parent_get(parent);
	WRITE_ONCE(parent->type.kobj.ktype, parent->type_ktype);
	return 0;
}

static ssize_t vmp_show_description(struct mdev_type *mtype, char *buf)
{
	struct vmp_parent *parent = container_of(mtype, struct vmp_parent, type);
	struct pci_dev *pdev = parent->pdev;

	return sysfs_emit(buf, "whole PCI device %04x:%04x, class %06x, at %s\n",
			  pdev->vendor, pdev->device, pdev->class,
			  pci_name(pdev));
}

/*
 * One instance per parent: a struct device carries one vfio_device. We
 * count it ourselves: parent->core is set, under the PCI device lock, by
 * the one create that succeeds (vmp_vfio_create()) and cleared by its
 * remove. The mdev core's own count (.max_instances) takes the instance
 * before allocating the mdev and does not give it back when that
 * allocation fails (6.12's mdev_device_create()), which left the parent
 * with no instance until it was unbound (the debug tier's fault-inject).
 */
static unsigned int vmp_get_available(struct mdev_type *mtype)
{
	struct vmp_parent *parent = container_of(mtype, struct vmp_parent, type);

	return READ_ONCE(parent->core) ? 0 : 1;
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

int vmp_parent_register(struct pci_dev *pdev)
{
	struct vmp_parent *parent;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	atomic_inc(&vmp_nr_parents);
	kref_init(&parent->ref);

	parent->pdev = pdev;
	snprintf(parent->name, sizeof(parent->name), "%s %04x:%04x",
		 VMP_DRIVER_NAME, pdev->vendor, pdev->device);
	parent->type.sysfs_name = "type1";
	parent->type.pretty_name = parent->name;
	parent->types[0] = &parent->type;

	ret = xa_insert(&vmp_parents, vmp_parent_index(pdev), parent,
			GFP_KERNEL);
	if (ret)
		goto out_free_parent;

	pci_set_drvdata(pdev, parent);
	ret = mdev_register_parent(&parent->mdev_parent, &pdev->dev,
				   &vmp_mdev_driver, parent->types,
				   ARRAY_SIZE(parent->types));
	if (ret)
		goto out_erase_parent;

	/* Nothing can drop the type's last reference before this. */
	ret = vmp_type_hook_release(parent);
	if (ret) {
		mdev_unregister_parent(&parent->mdev_parent);
		goto out_erase_parent;
	}
	return 0;

out_erase_parent:
	pci_set_drvdata(pdev, NULL);
	xa_erase(&vmp_parents, vmp_parent_index(pdev));
	if (parent->type.kobj.state_initialized) {
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
