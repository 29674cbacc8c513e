// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-mdev-pci: the PCI driver and the module.
 *
 * Binds only through driver_override (or the ids= parameter) and makes
 * each bound device an mdev parent; see vfio_mdev_pci.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pm.h>

#include "compat.h"
#include "vfio_mdev_pci.h"

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Initial PCI IDs to add to the driver, format is \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\" and multiple comma separated entries can be specified");

static bool nointxmask;
module_param(nointxmask, bool, 0444);
MODULE_PARM_DESC(nointxmask, "Disable support for PCI 2.3 style INTx masking (as vfio-pci's)");

static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Disable VGA resource access (as vfio-pci's)");

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0444);
MODULE_PARM_DESC(disable_idle_d3, "Disable using the PCI D3 low power state for idle, unused devices (as vfio-pci's)");

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Disable use of device denylist (as vfio-pci's). Disabling the denylist allows binding to devices with known errata that may lead to exploitable stability or security issues when accessed by untrusted users.");

bool vmp_param_nointxmask(void)
{
	return nointxmask;
}

bool vmp_param_disable_vga(void)
{
	return !IS_ENABLED(CONFIG_VFIO_PCI_VGA) || disable_vga;
}

bool vmp_param_disable_idle_d3(void)
{
	return disable_idle_d3;
}

/*
 * PCI error handlers and PM callbacks read drvdata as a vfio-pci-core
 * device, which it is only while an mdev exists: forward only then.
 * Error handlers run under the PCI device lock, like every change of
 * parent->core (docs/kernel-locking.md).
 */
static pci_ers_result_t vmp_pci_error_detected(struct pci_dev *pdev,
					       pci_channel_state_t state)
{
	struct vmp_parent *parent = vmp_parent_find(pdev);

	if (!parent || !READ_ONCE(parent->core))
		return PCI_ERS_RESULT_CAN_RECOVER;
	return vfio_pci_core_aer_err_detected(pdev, state);
}

static const struct pci_error_handlers vmp_pci_err_handlers = {
	.error_detected = vmp_pci_error_detected,
};

/*
 * vfio_pci_core_register_device() points our driver's PM ops at its own;
 * vmp_pci_claim_pm_ops() takes them back and keeps theirs here.
 */
static const struct dev_pm_ops *vmp_core_pm_ops;

static const struct dev_pm_ops *vmp_pm_target(struct device *dev)
{
	struct vmp_parent *parent = vmp_parent_find(to_pci_dev(dev));

	if (!parent || !READ_ONCE(parent->core))
		return NULL;
	return READ_ONCE(vmp_core_pm_ops);
}

static int vmp_runtime_suspend(struct device *dev)
{
	const struct dev_pm_ops *ops = vmp_pm_target(dev);

	return ops && ops->runtime_suspend ? ops->runtime_suspend(dev) : 0;
}

static int vmp_runtime_resume(struct device *dev)
{
	const struct dev_pm_ops *ops = vmp_pm_target(dev);

	return ops && ops->runtime_resume ? ops->runtime_resume(dev) : 0;
}

static int vmp_runtime_idle(struct device *dev)
{
	const struct dev_pm_ops *ops = vmp_pm_target(dev);

	return ops && ops->runtime_idle ? ops->runtime_idle(dev) : 0;
}

static const struct dev_pm_ops vmp_pm_ops = {
	RUNTIME_PM_OPS(vmp_runtime_suspend, vmp_runtime_resume,
		       vmp_runtime_idle)
};

static const struct pci_device_id vmp_pci_table[] = {
	/* Only through driver_override, or ids= */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vmp_pci_table);

/*
 * vfio-pci's denylist (drivers/vfio/pci/vfio_pci.c, not exported): devices
 * with errata that make them unsafe in untrusted hands.
 */
static const struct pci_device_id vmp_denylist[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF) },
	{ PCI_VDEVICE(INTEL, 0x0b25) },	/* DSA on Sapphire Rapids */
	{ PCI_VDEVICE(INTEL, 0x0cfe) },	/* IAX on Sapphire Rapids */
	{}
};

static bool vmp_is_denylisted(struct pci_dev *pdev)
{
	if (!pci_match_id(vmp_denylist, pdev))
		return false;

	if (disable_denylist) {
		pci_warn(pdev, "device denylist disabled - allowing device %04x:%04x\n",
			 pdev->vendor, pdev->device);
		return false;
	}

	pci_warn(pdev, "%04x:%04x is in vfio-pci's device denylist, not wrapped (disable_denylist=1 overrides)\n",
		 pdev->vendor, pdev->device);
	return true;
}

static int vmp_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct iommu_group *group;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	if (vmp_is_denylisted(pdev))
		return -EINVAL;

	/* As vfio-pci: the VFs might be in use, and we cannot track them. */
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "cannot bind to a PF with SR-IOV enabled\n");
		return -EBUSY;
	}

	group = iommu_group_get(&pdev->dev);
	if (!group) {
		pci_warn(pdev, "no IOMMU group, cannot offer the device\n");
		return -EINVAL;
	}
	iommu_group_put(group);

	return vmp_parent_register(pdev);
}

static void vmp_pci_remove(struct pci_dev *pdev)
{
	vmp_parent_unregister(pdev);
}

static struct pci_driver vmp_pci_driver = {
	.name = VMP_DRIVER_NAME,
	.id_table = vmp_pci_table,
	.probe = vmp_pci_probe,
	.remove = vmp_pci_remove,
	.err_handler = &vmp_pci_err_handlers,
	.driver.pm = pm_ptr(&vmp_pm_ops),
	.driver_managed_dma = true,
};

void vmp_pci_claim_pm_ops(void)
{
	const struct dev_pm_ops *ops = READ_ONCE(vmp_pci_driver.driver.pm);

	if (ops == pm_ptr(&vmp_pm_ops))
		return;
	WRITE_ONCE(vmp_core_pm_ops, ops);
	WRITE_ONCE(vmp_pci_driver.driver.pm, pm_ptr(&vmp_pm_ops));
}

static void __init vmp_add_ids(void)
{
	char *p = ids, *id;

	while ((id = strsep(&p, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID,
			subdevice = PCI_ANY_ID, class = 0, class_mask = 0;
		int fields, ret;

		if (!*id)
			continue;

		fields = sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device,
				&subvendor, &subdevice, &class, &class_mask);
		if (fields < 2) {
			pr_warn("invalid id string \"%s\"\n", id);
			continue;
		}

		ret = pci_add_dynid(&vmp_pci_driver, vendor, device, subvendor,
				    subdevice, class, class_mask, 0);
		if (ret)
			pr_warn("failed to add dynamic id %04x:%04x: %pe\n",
				vendor, device, ERR_PTR(ret));
	}
}

/*
 * Where vfio-pci-core keeps these knobs module-wide, setting ours would
 * change every vfio-pci device too: refuse, and name vfio-pci's, which
 * apply to both drivers' devices there.
 */
static int __init vmp_check_params(void)
{
	if (!nointxmask && !disable_vga && !disable_idle_d3)
		return 0;
	if (vmp_compat_has_device_params())
		return 0;
	pr_err("nointxmask, disable_vga and disable_idle_d3 are shared with vfio-pci on this kernel: set vfio_pci's, which apply to this module's devices too\n");
	return -EINVAL;
}

static int __init vmp_init(void)
{
	int ret;

	ret = vmp_check_params();
	if (ret)
		return ret;

	ret = vmp_mdev_driver_register();
	if (ret)
		return ret;

	ret = pci_register_driver(&vmp_pci_driver);
	if (ret)
		goto out_unregister_mdev_driver;

	vmp_add_ids();
	return 0;

out_unregister_mdev_driver:
	vmp_mdev_driver_unregister();
	return ret;
}

static void __exit vmp_exit(void)
{
	pci_unregister_driver(&vmp_pci_driver);
	vmp_mdev_driver_unregister();
}

module_init(vmp_init);
module_exit(vmp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Whole PCI device as a VFIO mediated device");
/*
 * After a package upgrade the loaded module stays until its last device is
 * released: the version tells which one runs.
 */
MODULE_VERSION(VMP_VERSION);
