// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container, group and device plumbing for the legacy VFIO API.
 *
 * Every ioctl's return is checked and reported with the ioctl's name; the
 * caller decides where the text goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio.h"

static const char *vc_dev_root(void)
{
	const char *root = getenv("VFIO_CLIENT_DEV");

	return root && *root ? root : "/dev";
}

static void report(vc_step_fn step, void *arg, const char *fmt, ...)
	VC_PRINTF(3, 4);

static void report(vc_step_fn step, void *arg, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!step)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	step(arg, line);
}

void vc_session_init(struct vc_session *s)
{
	memset(s, 0, sizeof(*s));
	s->container = -1;
}

int vc_group_fd(const struct vc_session *s, unsigned int group)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		if (s->groups[i].id == group)
			return s->groups[i].fd;
	return -1;
}

static int container_open(struct vc_session *s, struct vc_err *err)
{
	char path[PATH_MAX];
	int ret;

	if (vc_path(path, sizeof(path), err, "%s/vfio/vfio", vc_dev_root()))
		return -1;
	s->container = open(path, O_RDWR | O_CLOEXEC);
	if (s->container < 0)
		return vc_fail_errno(err, "container: open %s", path);

	ret = ioctl(s->container, VFIO_GET_API_VERSION);
	if (ret < 0)
		return vc_fail_errno(err, "container: VFIO_GET_API_VERSION");
	if (ret != VFIO_API_VERSION)
		return vc_fail(err,
			       "container: VFIO_GET_API_VERSION is %d, expected %d",
			       ret, VFIO_API_VERSION);

	ret = ioctl(s->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU);
	if (ret < 0)
		return vc_fail_errno(err,
				     "container: VFIO_CHECK_EXTENSION(VFIO_TYPE1_IOMMU)");
	if (!ret)
		return vc_fail(err,
			       "container: VFIO_TYPE1_IOMMU not supported (vfio_iommu_type1 not loaded?)");
	return 0;
}

/*
 * TYPE1v2 where offered (it is what QEMU uses); TYPE1 otherwise, and also
 * when TYPE1v2 is refused, with the refusal kept in note so that it shows.
 */
static int set_iommu(struct vc_session *s, char *note, size_t size,
		     struct vc_err *err)
{
	int ret;

	ret = ioctl(s->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (ret < 0)
		return vc_fail_errno(err,
				     "container: VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
	if (ret > 0) {
		if (!ioctl(s->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
			s->iommu = VFIO_TYPE1v2_IOMMU;
			return 0;
		}
		snprintf(note, size, " (VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU): %s)",
			 strerror(errno));
	} else {
		snprintf(note, size, " (TYPE1v2 not offered)");
	}

	if (ioctl(s->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		return vc_fail_errno(err,
				     "container: VFIO_SET_IOMMU(VFIO_TYPE1_IOMMU)");
	s->iommu = VFIO_TYPE1_IOMMU;
	return 0;
}

int vc_group_open(unsigned int group, int *fd, struct vc_err *err)
{
	char path[PATH_MAX];

	*fd = -1;
	if (vc_path(path, sizeof(path), err, "%s/vfio/%u", vc_dev_root(),
		    group))
		return -1;
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return vc_fail_errno(err, "group %u: open %s", group, path);
	return 0;
}

int vc_group_viable(int group_fd, unsigned int group, bool *viable,
		    struct vc_err *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (ioctl(group_fd, VFIO_GROUP_GET_STATUS, &status))
		return vc_fail_errno(err, "group %u: VFIO_GROUP_GET_STATUS",
				     group);
	*viable = status.flags & VFIO_GROUP_FLAGS_VIABLE;
	return 0;
}

static int group_attach(struct vc_session *s, unsigned int id,
			vc_step_fn step, void *arg, struct vc_err *err)
{
	struct vc_group *g = &s->groups[s->ngroups];
	char note[160] = "";
	bool viable = false;

	g->id = id;
	g->attached = false;
	if (vc_group_open(id, &g->fd, err))
		return -1;
	s->ngroups++;

	if (vc_group_viable(g->fd, id, &viable, err))
		return -1;
	if (!viable)
		return vc_fail(err,
			       "group %u: not viable (every device in it must be bound to a vfio driver or to none)",
			       id);
	report(step, arg, "group %u: viable", id);

	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &s->container))
		return vc_fail_errno(err, "group %u: VFIO_GROUP_SET_CONTAINER",
				     id);
	g->attached = true;
	report(step, arg, "group %u: attached to the container", id);

	/* The IOMMU type can be chosen only once a group is attached. */
	if (!s->iommu) {
		if (set_iommu(s, note, sizeof(note), err))
			return -1;
		report(step, arg, "container: IOMMU type %s%s",
		       s->iommu == VFIO_TYPE1v2_IOMMU ? "TYPE1v2" : "TYPE1",
		       note);
	}
	return 0;
}

int vc_get_device_fd(int group_fd, const char *name, int *fd,
		     struct vc_err *err)
{
	*fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
	if (*fd < 0)
		return vc_fail_errno(err, "%s: VFIO_GROUP_GET_DEVICE_FD", name);
	return 0;
}

int vc_session_open(struct vc_session *s, const struct vc_dev *devs,
		    size_t ndevs, vc_step_fn step, void *arg,
		    struct vc_err *err)
{
	struct vc_device *d;
	size_t i;

	if (ndevs > VC_MAX_DEVICES)
		return vc_fail(err, "at most %d devices", VC_MAX_DEVICES);

	/* All sysfs lookups first: nothing under /dev is opened for a typo. */
	for (i = 0; i < ndevs; i++) {
		d = &s->devices[s->ndevices];
		d->dev = devs[i];
		d->fd = -1;
		if (vc_dev_group(&d->dev, &d->group, err))
			return -1;
		s->ndevices++;
		report(step, arg, "%s: IOMMU group %u", d->dev.name, d->group);
	}

	if (container_open(s, err))
		return -1;
	report(step, arg, "container: VFIO API version %d, TYPE1 IOMMU supported",
	       VFIO_API_VERSION);

	for (i = 0; i < s->ndevices; i++) {
		if (vc_group_fd(s, s->devices[i].group) >= 0)
			continue;	/* one open per group */
		if (group_attach(s, s->devices[i].group, step, arg, err))
			return -1;
	}

	for (i = 0; i < s->ndevices; i++) {
		d = &s->devices[i];
		if (vc_get_device_fd(vc_group_fd(s, d->group), d->dev.name,
				     &d->fd, err))
			return -1;
		report(step, arg, "%s: device fd from VFIO_GROUP_GET_DEVICE_FD",
		       d->dev.name);
	}
	return 0;
}

int vc_session_close(struct vc_session *s, struct vc_err *err)
{
	struct vc_group *g;
	int ret = 0;
	size_t i;

	/* A group leaves its container only once its devices are closed. */
	for (i = 0; i < s->ndevices; i++) {
		if (s->devices[i].fd >= 0)
			close(s->devices[i].fd);
		s->devices[i].fd = -1;
	}
	s->ndevices = 0;

	/*
	 * Detach explicitly, as QEMU does: close() would detach too, but
	 * without telling anyone if the kernel disagreed.
	 */
	for (i = s->ngroups; i-- > 0;) {
		g = &s->groups[i];
		if (g->attached &&
		    ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER) && !ret &&
		    !(s->going && (errno == EINVAL || errno == ENODEV)))
			ret = vc_fail_errno(err,
					    "group %u: VFIO_GROUP_UNSET_CONTAINER",
					    g->id);
		close(g->fd);
		g->fd = -1;
		g->attached = false;
	}
	s->ngroups = 0;

	if (s->container >= 0)
		close(s->container);
	s->container = -1;
	s->iommu = 0;
	return ret;
}

int vc_device_info(int fd, struct vfio_device_info *info, struct vc_err *err)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, info))
		return vc_fail_errno(err, "VFIO_DEVICE_GET_INFO");
	return 0;
}

int vc_region_info(int fd, __u32 index, struct vfio_region_info *info,
		   struct vc_err *err)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return vc_fail_errno(err, "VFIO_DEVICE_GET_REGION_INFO(%u)",
				     index);
	return 0;
}

static const char *irq_name(__u32 index)
{
	static const char *const names[] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",
		[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
		[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X",
		[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
		[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
	};

	return index < VC_ARRAY_SIZE(names) ? names[index] : "?";
}

int vc_irq_info(int fd, __u32 index, struct vfio_irq_info *info,
		struct vc_err *err)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, info))
		return vc_fail_errno(err, "VFIO_DEVICE_GET_IRQ_INFO(%s)",
				     irq_name(index));
	return 0;
}

static int irq_set(int fd, __u32 index, __u32 flags, __u32 count,
		   const int32_t *efd, const char *what, struct vc_err *err)
{
	union {
		struct vfio_irq_set set;
		char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u.set) + (efd ? sizeof(*efd) : 0);
	u.set.flags = flags;
	u.set.index = index;
	u.set.start = 0;
	u.set.count = count;
	if (efd)
		memcpy(u.set.data, efd, sizeof(*efd));
	if (ioctl(fd, VFIO_DEVICE_SET_IRQS, &u.set))
		return vc_fail_errno(err, "VFIO_DEVICE_SET_IRQS(%s, %s)",
				     irq_name(index), what);
	return 0;
}

int vc_irq_set_eventfd(int fd, __u32 index, int efd, struct vc_err *err)
{
	int32_t data = efd;

	return irq_set(fd, index,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       1, &data, efd < 0 ? "detach eventfd" : "attach eventfd",
		       err);
}

int vc_irq_disable(int fd, __u32 index, struct vc_err *err)
{
	return irq_set(fd, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0, NULL, "disable", err);
}

int vc_irq_loopback(int fd, __u32 index, struct vc_err *err)
{
	return irq_set(fd, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       1, NULL, "loopback trigger", err);
}

int vc_irq_unmask(int fd, __u32 index, struct vc_err *err)
{
	return irq_set(fd, index,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		       1, NULL, "unmask", err);
}

int vc_eventfd(int *efd, struct vc_err *err)
{
	*efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (*efd < 0)
		return vc_fail_errno(err, "eventfd");
	return 0;
}

int vc_eventfd_wait(int efd, int timeout_ms, uint64_t *count,
		    struct vc_err *err)
{
	uint64_t deadline = vc_now_ns() + (uint64_t)timeout_ms * 1000000;
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t now;
	int ret;

	for (;;) {
		now = vc_now_ns();
		if (now >= deadline)
			return vc_fail(err, "no event within %d ms", timeout_ms);
		ret = poll(&pfd, 1, (int)((deadline - now + 999999) / 1000000));
		if (ret > 0)
			break;
		if (ret < 0 && errno != EINTR)
			return vc_fail_errno(err, "poll");
	}
	if (read(efd, count, sizeof(*count)) != (ssize_t)sizeof(*count))
		return vc_fail_errno(err, "read eventfd");
	return 0;
}

int vc_pci_init(struct vc_pci *pci, int fd, struct vc_err *err)
{
	struct vfio_region_info info;
	const __u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	if (vc_region_info(fd, VFIO_PCI_CONFIG_REGION_INDEX, &info, err))
		return -1;
	/* The standard header is the least any PCI function has. */
	if (info.size < 64 || (info.flags & rw) != rw)
		return vc_fail(err,
			       "config region: size %llu, flags 0x%x: expected >= 64 bytes, read and write",
			       (unsigned long long)info.size, info.flags);
	pci->fd = fd;
	pci->offset = info.offset;
	pci->size = info.size;
	return 0;
}

static int cfg_access(const struct vc_pci *pci, unsigned int reg,
		      unsigned int width, uint8_t *b, bool write,
		      struct vc_err *err)
{
	const char *op = write ? "pwrite" : "pread";
	off_t off = (off_t)(pci->offset + reg);
	ssize_t len;

	if ((width != 1 && width != 2 && width != 4) || reg % width ||
	    reg + width > pci->size)
		return vc_fail(err, "config access of %u bytes at 0x%x is invalid",
			       width, reg);
	len = write ? pwrite(pci->fd, b, width, off) :
		      pread(pci->fd, b, width, off);
	if (len < 0)
		return vc_fail_errno(err, "%s config 0x%x (%u bytes)", op, reg,
				     width);
	if (len != (ssize_t)width)
		return vc_fail(err, "%s config 0x%x: %zd of %u bytes", op, reg,
			       len, width);
	return 0;
}

/* Config space is little-endian whatever the CPU is. */
int vc_cfg_read(const struct vc_pci *pci, unsigned int reg,
		unsigned int width, uint32_t *val, struct vc_err *err)
{
	uint8_t b[4] = { 0 };

	if (cfg_access(pci, reg, width, b, false, err))
		return -1;
	*val = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int vc_cfg_write(const struct vc_pci *pci, unsigned int reg,
		 unsigned int width, uint32_t val, struct vc_err *err)
{
	uint8_t b[4] = {
		val & 0xff, (val >> 8) & 0xff, (val >> 16) & 0xff, val >> 24,
	};

	return cfg_access(pci, reg, width, b, true, err);
}

int vc_pci_enable(const struct vc_pci *pci, uint32_t *cmd, struct vc_err *err)
{
	const uint32_t bits = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	if (vc_cfg_read(pci, PCI_COMMAND, 2, cmd, err) ||
	    vc_cfg_write(pci, PCI_COMMAND, 2, *cmd | bits, err) ||
	    vc_cfg_read(pci, PCI_COMMAND, 2, cmd, err))
		return -1;
	if ((*cmd & bits) != bits)
		return vc_fail(err,
			       "PCI_COMMAND reads 0x%04x after setting memory space and bus master",
			       *cmd);
	return 0;
}

int vc_bar_map(int fd, __u32 index, struct vc_bar *bar, struct vc_err *err)
{
	struct vfio_region_info info;
	void *addr;

	bar->addr = NULL;
	if (vc_region_info(fd, index, &info, err))
		return -1;
	bar->size = info.size;
	bar->offset = info.offset;
	bar->flags = info.flags;
	if (!info.size)
		return vc_fail(err, "BAR%u is not implemented (size 0)", index);
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return vc_fail(err,
			       "BAR%u: VFIO_REGION_INFO_FLAG_MMAP is not set (flags 0x%x)",
			       index, info.flags);
	addr = mmap(NULL, bar->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)info.offset);
	if (addr == MAP_FAILED)
		return vc_fail_errno(err, "mmap BAR%u (%zu bytes at 0x%llx)",
				     index, bar->size,
				     (unsigned long long)info.offset);
	bar->addr = addr;
	return 0;
}

void vc_bar_unmap(struct vc_bar *bar)
{
	if (bar->addr)
		munmap(bar->addr, bar->size);
	bar->addr = NULL;
}

int vc_dma_map(int container, void *vaddr, __u64 iova, __u64 size,
	       struct vc_err *err)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		return vc_fail_errno(err,
				     "VFIO_IOMMU_MAP_DMA(iova 0x%llx, %llu bytes)",
				     (unsigned long long)iova,
				     (unsigned long long)size);
	return 0;
}

int vc_dma_unmap(int container, __u64 iova, __u64 size, struct vc_err *err)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return vc_fail_errno(err,
				     "VFIO_IOMMU_UNMAP_DMA(iova 0x%llx, %llu bytes)",
				     (unsigned long long)iova,
				     (unsigned long long)size);
	/* The kernel reports how much it unmapped; less means a leak. */
	if (unmap.size != size)
		return vc_fail(err, "VFIO_IOMMU_UNMAP_DMA unmapped %llu of %llu bytes",
			       (unsigned long long)unmap.size,
			       (unsigned long long)size);
	return 0;
}

int vc_dma_buf_alloc(int container, size_t size, __u64 iova,
		     struct vc_dma_buf *buf, struct vc_err *err)
{
	void *addr;

	buf->addr = NULL;
	buf->size = size;
	buf->iova = iova;
	buf->mapped = false;
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		return vc_fail_errno(err, "mmap %zu bytes", size);
	buf->addr = addr;
	if (vc_dma_map(container, addr, iova, size, err))
		return -1;
	buf->mapped = true;
	return 0;
}

int vc_dma_buf_free(int container, struct vc_dma_buf *buf,
		    struct vc_err *err)
{
	int ret = 0;

	if (buf->mapped)
		ret = vc_dma_unmap(container, buf->iova, buf->size, err);
	buf->mapped = false;
	if (buf->addr)
		munmap(buf->addr, buf->size);
	buf->addr = NULL;
	return ret;
}

int vc_hot_reset_info(int fd, struct vfio_pci_hot_reset_info **out,
		      struct vc_err *err)
{
	struct vfio_pci_hot_reset_info *info = NULL, *grown;
	__u32 room = 0;
	int tries, saved;
	size_t size;

	/*
	 * The first call has room for no device: the kernel answers ENOSPC
	 * with the count it needs. Devices may come and go between two
	 * calls, so a second ENOSPC with a larger count is retried too.
	 */
	for (tries = 0; tries < 4; tries++) {
		size = sizeof(*info) + room * sizeof(info->devices[0]);
		grown = realloc(info, size);
		if (!grown) {
			free(info);
			return vc_fail_errno(err, "hot reset info: %zu bytes",
					     size);
		}
		info = grown;
		memset(info, 0, size);
		info->argsz = (__u32)size;

		if (!ioctl(fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info)) {
			*out = info;
			return 0;
		}
		if (errno != ENOSPC || info->count <= room)
			break;
		room = info->count;
	}

	/* Callers tell "no reset possible" from real errors by errno. */
	saved = errno;
	if (saved == ENOSPC)
		vc_fail(err,
			"VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: still ENOSPC (count %u) after %d tries",
			info->count, tries);
	else
		vc_fail_errno(err, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
	free(info);
	errno = saved;
	return -1;
}
