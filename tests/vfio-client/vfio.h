/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The legacy VFIO group/container API (vfio_iommu_type1): one container,
 * the groups of the requested devices attached to it, and the devices'
 * fds; plus thin wrappers around the device ioctls the subcommands use.
 *
 * Device nodes live under $VFIO_CLIENT_DEV or /dev, so that the unit tests
 * can point them at an empty directory and never touch a real group.
 */
#ifndef VC_VFIO_H
#define VC_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#include "sysfs.h"
#include "util.h"

#define VC_MAX_DEVICES 16

struct vc_group {
	unsigned int id;
	int fd;
	bool attached;		/* VFIO_GROUP_SET_CONTAINER succeeded */
};

struct vc_device {
	struct vc_dev dev;
	unsigned int group;
	int fd;
};

struct vc_session {
	int container;
	__u32 iommu;		/* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU once set */
	size_t ngroups;
	size_t ndevices;
	struct vc_group groups[VC_MAX_DEVICES];
	struct vc_device devices[VC_MAX_DEVICES];
	/*
	 * The kernel asked for the device back (request eventfd): once our
	 * device fd is closed, its removal may detach the group from the
	 * container before we do, so UNSET_CONTAINER may find none.
	 */
	bool going;
};

/* Called after each step that worked, with a one-line description. */
typedef void (*vc_step_fn)(void *arg, const char *step);

void vc_session_init(struct vc_session *s);
/*
 * Resolve every device's group (sysfs only), then open the container,
 * each distinct group once, attach it, set the IOMMU type after the first
 * attach, and get each device's fd. On failure err says which step failed
 * and why; what was opened stays in s for vc_session_close().
 */
int vc_session_open(struct vc_session *s, const struct vc_dev *devs,
		    size_t ndevs, vc_step_fn step, void *arg,
		    struct vc_err *err);
/* Devices first, then groups (detached explicitly), then the container. */
int vc_session_close(struct vc_session *s, struct vc_err *err);
int vc_group_fd(const struct vc_session *s, unsigned int group);

int vc_group_open(unsigned int group, int *fd, struct vc_err *err);
int vc_group_viable(int group_fd, unsigned int group, bool *viable,
		    struct vc_err *err);
int vc_get_device_fd(int group_fd, const char *name, int *fd,
		     struct vc_err *err);

int vc_device_info(int fd, struct vfio_device_info *info, struct vc_err *err);
int vc_region_info(int fd, __u32 index, struct vfio_region_info *info,
		   struct vc_err *err);
int vc_irq_info(int fd, __u32 index, struct vfio_irq_info *info,
		struct vc_err *err);

/* VFIO_DEVICE_SET_IRQS for vector 0 of index; efd -1 detaches it. */
int vc_irq_set_eventfd(int fd, __u32 index, int efd, struct vc_err *err);
/* DATA_NONE|ACTION_TRIGGER, count 0: turn the whole index off. */
int vc_irq_disable(int fd, __u32 index, struct vc_err *err);
/* DATA_NONE|ACTION_TRIGGER, count 1: the kernel signals our eventfd. */
int vc_irq_loopback(int fd, __u32 index, struct vc_err *err);
/* DATA_NONE|ACTION_UNMASK, count 1. */
int vc_irq_unmask(int fd, __u32 index, struct vc_err *err);

/* An eventfd for interrupts: non-blocking, waited for with poll(). */
int vc_eventfd(int *efd, struct vc_err *err);
/* Wait up to timeout_ms for efd, then read (and so clear) its counter. */
int vc_eventfd_wait(int efd, int timeout_ms, uint64_t *count,
		    struct vc_err *err);

/* The config space region of a vfio-pci device; accesses are LE. */
struct vc_pci {
	int fd;
	__u64 offset;
	__u64 size;
};

int vc_pci_init(struct vc_pci *pci, int fd, struct vc_err *err);
int vc_cfg_read(const struct vc_pci *pci, unsigned int reg,
		unsigned int width, uint32_t *val, struct vc_err *err);
int vc_cfg_write(const struct vc_pci *pci, unsigned int reg,
		 unsigned int width, uint32_t val, struct vc_err *err);

/*
 * Memory space and bus master on, as a guest driver would: vfio-pci
 * refuses BAR access (SIGBUS through an mmap) while its virtual command
 * register has decoding off, and DMA and MSI need bus mastering.
 * *cmd gets PCI_COMMAND as read back.
 */
int vc_pci_enable(const struct vc_pci *pci, uint32_t *cmd, struct vc_err *err);

struct vc_bar {
	void *addr;		/* NULL while unmapped */
	size_t size;
	__u64 offset;
	__u32 flags;
};

int vc_bar_map(int fd, __u32 index, struct vc_bar *bar, struct vc_err *err);
void vc_bar_unmap(struct vc_bar *bar);

int vc_dma_map(int container, void *vaddr, __u64 iova, __u64 size,
	       struct vc_err *err);
int vc_dma_unmap(int container, __u64 iova, __u64 size, struct vc_err *err);

/* Anonymous memory, mapped for DMA (read and write) at an IOVA. */
struct vc_dma_buf {
	uint8_t *addr;		/* NULL while not allocated */
	size_t size;
	__u64 iova;
	bool mapped;
};

int vc_dma_buf_alloc(int container, size_t size, __u64 iova,
		     struct vc_dma_buf *buf, struct vc_err *err);
/* Unmaps and frees what was done; a failed unmap is still reported. */
int vc_dma_buf_free(int container, struct vc_dma_buf *buf,
		    struct vc_err *err);

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, sized by the kernel's answer; free()
 * the result. errno stays that of the ioctl on failure.
 */
int vc_hot_reset_info(int fd, struct vfio_pci_hot_reset_info **info,
		      struct vc_err *err);

#endif /* VC_VFIO_H */
