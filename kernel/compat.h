/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernels we build for, keyed on the HAVE_*
 * macros that conftest.sh found by compiling against the kernel at hand.
 * The only file with #if.
 */
#ifndef VMP_COMPAT_H
#define VMP_COMPAT_H

#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "conftest.h"

/* Without it, VFIO_DEVICE_GET_REGION_INFO fails with EINVAL. */
#ifdef HAVE_VFIO_GET_REGION_INFO_CAPS
#define VMP_OPS_GET_REGION_INFO_CAPS \
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
#else
#define VMP_OPS_GET_REGION_INFO_CAPS
#endif

#ifdef HAVE_VFIO_MATCH_TOKEN_UUID
#define VMP_OPS_MATCH_TOKEN_UUID \
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define VMP_OPS_MATCH_TOKEN_UUID
#endif

/* Kernels before 6.2 have no iommufd, and so no physical ops. */
#ifdef HAVE_VFIO_IOMMUFD_PHYSICAL
#define VMP_OPS_IOMMUFD \
	.bind_iommufd = vfio_iommufd_physical_bind, \
	.unbind_iommufd = vfio_iommufd_physical_unbind, \
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
#else
#define VMP_OPS_IOMMUFD
#endif

#ifdef HAVE_VFIO_DETACH_IOAS
#define VMP_OPS_DETACH_IOAS \
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
#else
#define VMP_OPS_DETACH_IOAS
#endif

#ifdef HAVE_VFIO_PASID_ATTACH_IOAS
#define VMP_OPS_PASID_IOAS \
	.pasid_attach_ioas = vfio_iommufd_physical_pasid_attach_ioas, \
	.pasid_detach_ioas = vfio_iommufd_physical_pasid_detach_ioas,
#else
#define VMP_OPS_PASID_IOAS
#endif

/*
 * Whether vfio-pci-core takes nointxmask, disable_vga and disable_idle_d3
 * per device.  Before that they were module-wide, set by
 * vfio_pci_core_set_params() and shared with vfio-pci.
 */
static inline bool vmp_compat_has_device_params(void)
{
#ifdef HAVE_VFIO_PCI_CORE_DEVICE_PARAMS
	return true;
#else
	return false;
#endif
}

/* Per-device knobs, to be set before registering the device. */
static inline void vmp_compat_set_device_params(struct vfio_pci_core_device *vdev,
						bool nointxmask,
						bool disable_vga,
						bool disable_idle_d3)
{
#ifdef HAVE_VFIO_PCI_CORE_DEVICE_PARAMS
	vdev->nointxmask = nointxmask;
	vdev->disable_vga = disable_vga;
	vdev->disable_idle_d3 = disable_idle_d3;
#endif
}

/* As vfio-pci, before registering the device. */
static inline void vmp_compat_set_pci_ops(struct vfio_pci_core_device *vdev)
{
#ifdef HAVE_VFIO_PCI_DEVICE_OPS
	static const struct vfio_pci_device_ops pci_ops = {
		.get_dmabuf_phys = vfio_pci_core_get_dmabuf_phys,
	};

	vdev->pci_ops = &pci_ops;
#endif
}

#endif /* VMP_COMPAT_H */
