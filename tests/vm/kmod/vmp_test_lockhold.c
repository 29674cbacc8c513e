// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only: hold PCI devices' locks the way device_shutdown() does when
 * it reaches one of their mdevs, so that the shutdown-race scenario can
 * put an mdev create or remove in the one place that used to hang (a
 * remove) or hold up (a create, for its 10 s timeout) a reboot.
 *
 * device_shutdown() locks a device's parent, then the device.  For an
 * mdev that is the PCI device, then the mdev.  An mdev create or remove
 * runs with the mdev's lock held by the driver core and waits in
 * vfio_mdev_pci for the PCI device's lock.  Which of the two gets there
 * first is a matter of microseconds in a real shutdown; here the PCI
 * device's lock is taken at load, before the create or remove starts, and
 * the mdev's lock is asked for once the system is going down, as
 * device_shutdown() would.  The create or remove must let go of the
 * mdev's lock.
 *
 * Unlike device_shutdown(), the mdev's lock is only tried, for 30 s: a
 * module that keeps waiting would hang the guest, and the scenario reads
 * the outcome from the kernel log after the reboot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>

#define LOCKHOLD_MAX 2
#define LOCKHOLD_WAIT (30 * HZ)

static char *pci[LOCKHOLD_MAX];
static unsigned int nr_pci;
module_param_array(pci, charp, &nr_pci, 0444);
MODULE_PARM_DESC(pci, "the mdevs' parents, DDDD:BB:DD.F,...");
static char *mdev[LOCKHOLD_MAX];
static unsigned int nr_mdev;
module_param_array(mdev, charp, &nr_mdev, 0444);
MODULE_PARM_DESC(mdev, "their mdevs' UUIDs, in the same order");

struct lockhold {
	struct pci_dev *pdev;
	const char *name;
	/*
	 * Found while running, before going down: at load for a remove
	 * (in progress, it has left its parent's children), as soon as it
	 * appears for a create (which may have given up when we look next).
	 */
	struct device *mdev;
	struct task_struct *task;
	struct completion held;
};

static struct lockhold lockholds[LOCKHOLD_MAX];

static void lockhold_take_mdev_lock(struct lockhold *lh)
{
	unsigned long start = jiffies;

	if (!lh->mdev) {
		pr_err("FAIL: no mdev %s under %s\n", lh->name,
		       pci_name(lh->pdev));
		return;
	}
	while (!device_trylock(lh->mdev)) {
		if (time_after(jiffies, start + LOCKHOLD_WAIT)) {
			pr_err("FAIL: mdev %s still locked after %u ms; releasing %s\n",
			       lh->name, jiffies_to_msecs(jiffies - start),
			       pci_name(lh->pdev));
			return;
		}
		usleep_range(500, 1000);
	}
	pr_info("took mdev %s's lock %u ms after the system started going down\n",
		lh->name, jiffies_to_msecs(jiffies - start));
	device_unlock(lh->mdev);
}

static int lockhold_thread(void *data)
{
	struct lockhold *lh = data;

	device_lock(&lh->pdev->dev);
	complete(&lh->held);
	while (system_state <= SYSTEM_RUNNING && !kthread_should_stop()) {
		if (!lh->mdev)
			lh->mdev = device_find_child_by_name(&lh->pdev->dev,
							     lh->name);
		msleep(20);
	}
	if (!kthread_should_stop())
		lockhold_take_mdev_lock(lh);
	device_unlock(&lh->pdev->dev);
	/* module exit stops us; a reboot does not wait for us. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static void lockhold_stop(struct lockhold *lh)
{
	if (lh->task)
		kthread_stop(lh->task);
	put_device(lh->mdev);
	pci_dev_put(lh->pdev);
}

static int lockhold_start(struct lockhold *lh, const char *bdf,
			  const char *name)
{
	unsigned int domain, bus, slot, fn;

	if (sscanf(bdf, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
		return -EINVAL;
	lh->pdev = pci_get_domain_bus_and_slot(domain, bus,
					       PCI_DEVFN(slot, fn));
	if (!lh->pdev)
		return -ENODEV;
	lh->name = name;
	lh->mdev = device_find_child_by_name(&lh->pdev->dev, name);
	init_completion(&lh->held);
	lh->task = kthread_run(lockhold_thread, lh, "vmp-lockhold");
	if (IS_ERR(lh->task)) {
		int ret = PTR_ERR(lh->task);

		lh->task = NULL;
		return ret;
	}
	wait_for_completion(&lh->held);
	pr_info("holding %s's lock for mdev %s\n", bdf, name);
	return 0;
}

static int __init lockhold_init(void)
{
	unsigned int i;
	int ret;

	if (!nr_pci || nr_pci != nr_mdev)
		return -EINVAL;
	for (i = 0; i < nr_pci; i++) {
		ret = lockhold_start(&lockholds[i], pci[i], mdev[i]);
		if (ret)
			goto out_stop;
	}
	return 0;

out_stop:
	do {
		lockhold_stop(&lockholds[i]);
	} while (i-- > 0);
	return ret;
}

static void __exit lockhold_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_pci; i++)
		lockhold_stop(&lockholds[i]);
}

module_init(lockhold_init);
module_exit(lockhold_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-mdev-pci tests: hold a PCI device's lock until shutdown");
