// SPDX-License-Identifier: GPL-2.0-only
/*
 * Is anything of the host's storage on the function's disks? The kernel
 * has no "open count" in sysfs, so we build the stack of block devices
 * that sit on the function and look for uses of any of them:
 *
 *  - the stack: the function's disks and partitions; recursively their
 *    holders (device-mapper: LVM, LUKS, multipath; md; bcache), the NVMe
 *    multipath head of a path device, and the partitions of those; loop
 *    devices whose backing file lies on a mounted filesystem of the
 *    stack. A holder is itself a use: an
 *    assembled array or open mapping breaks if its disk goes.
 *  - mounts: /proc/self/mountinfo matched by MAJ:MIN, and by source,
 *    since btrfs and ZFS show an anonymous 0:N there. A btrfs source
 *    names one member; /sys/fs/btrfs/UUID/devices/ (present while
 *    mounted) names them all. A ZFS source is "pool/dataset".
 *  - ZFS: pools make no holders/ entry, and imported pools are not
 *    mounted as devices. udev's database (/run/udev/data/bMAJ:MIN)
 *    says which partition is a zfs_member of which pool (its label),
 *    and /proc/spl/kstat/zfs/POOL exists while that pool is imported.
 *  - swap: /proc/swaps, a device of the stack or a file on it.
 * udev's ID_FS_TYPE is used for ZFS only: for the others the kernel's
 * own state (holders, mounts, swaps) says whether a member is active,
 * where a filesystem label only says what was once written there.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "inuse-checks.h"
#include "mounts.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

typedef struct {
	GHashTable *base;	/* stack member -> the function's device below it */
	GHashTable *by_majmin;	/* "MAJ:MIN" -> stack member */
	GHashTable *pools;	/* imported ZFS pool -> its member on the stack */
	GPtrArray *mounts;	/* VmpMount */
	GPtrArray *uses;	/* not ours: the caller's */
} Stack;

static void stack_clear(Stack *s)
{
	g_clear_pointer(&s->base, g_hash_table_unref);
	g_clear_pointer(&s->by_majmin, g_hash_table_unref);
	g_clear_pointer(&s->pools, g_hash_table_unref);
	g_clear_pointer(&s->mounts, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Stack, stack_clear)

static char *block_attr(const char *name, const char *leaf)
{
	g_autofree char *path = vmp_path("sys/class/block/%s/%s", name, leaf);

	return vmp_sysfs_read(path, NULL);
}

/* " (on nvme0n1p2)" for a device stacked above one of the function's. */
static char *on_what(Stack *s, const char *name)
{
	const char *base = g_hash_table_lookup(s->base, name);

	if (!base || g_str_equal(base, name))
		return g_strdup("");
	return g_strdup_printf(" (on %s)", base);
}

static void add_use(Stack *s, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void add_use(Stack *s, const char *name, const char *fmt, ...)
{
	g_autofree char *on = on_what(s, name);
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(s->uses, g_strdup_printf("Block device '%s'%s %s.",
						 name, on, what));
}

/* The value of "E:KEY=" in udev's record of block device @majmin. */
static char *udev_property(const char *majmin, const char *key)
{
	g_autofree char *path = vmp_path("run/udev/data/b%s", majmin);
	g_autofree char *prefix = g_strdup_printf("E:%s=", key);
	g_auto(GStrv) lines = vmp_sysfs_read_lines(path);

	for (guint i = 0; lines && lines[i]; i++) {
		if (g_str_has_prefix(lines[i], prefix))
			return g_strdup(lines[i] + strlen(prefix));
	}
	return NULL;
}

static void check_zfs_member(Stack *s, const char *name, const char *majmin)
{
	g_autofree char *type = udev_property(majmin, "ID_FS_TYPE");
	g_autofree char *pool = NULL;
	g_autofree char *kstat = NULL;
	g_autofree char *module = NULL;

	if (g_strcmp0(type, "zfs_member") != 0)
		return;
	pool = udev_property(majmin, "ID_FS_LABEL");
	if (pool && *pool && !strchr(pool, '/') && *pool != '.') {
		kstat = vmp_path("proc/spl/kstat/zfs/%s", pool);
		if (!g_file_test(kstat, G_FILE_TEST_IS_DIR))
			return;
		g_hash_table_insert(s->pools, g_strdup(pool), g_strdup(name));
		add_use(s, name, "is a member of the imported ZFS pool '%s'", pool);
		return;
	}
	/* No pool name: any imported pool may be the one. */
	module = vmp_path("sys/module/zfs");
	if (g_file_test(module, G_FILE_TEST_IS_DIR))
		add_use(s, name, "is a ZFS pool member (pool name unknown) and ZFS is loaded");
}

static void expand(Stack *s, const char *name, const char *base);

/* Put @name on the stack above @base; FALSE if it was there already. */
static gboolean stack_push(Stack *s, const char *name, const char *base)
{
	g_autofree char *majmin = NULL;

	if (g_hash_table_contains(s->base, name))
		return FALSE;
	g_hash_table_insert(s->base, g_strdup(name), g_strdup(base));
	majmin = block_attr(name, "dev");
	if (!majmin)
		return TRUE;
	g_hash_table_insert(s->by_majmin, g_strdup(majmin), g_strdup(name));
	check_zfs_member(s, name, majmin);
	return TRUE;
}

/* "dm-0 (vg0-root)": device-mapper's name says what the holder is. */
static char *holder_label(const char *holder)
{
	g_autofree char *dm_name = block_attr(holder, "dm/name");

	if (dm_name && *dm_name)
		return g_strdup_printf("'%s' (%s)", holder, dm_name);
	return g_strdup_printf("'%s'", holder);
}

/*
 * NVMe multipath (CONFIG_NVME_MULTIPATH, on in Debian's kernels): the
 * function's disk is the hidden path device nvme<S>c<C>n<N>, and what
 * the host partitions and mounts is the namespace's head nvme<S>n<N>, a
 * virtual device with no holders/ link to its paths. The kernel names
 * both so (nvme_set_disk_name()); NULL if @name is no path device or the
 * head is absent.
 */
static char *nvme_head_of(const char *name)
{
	unsigned int subsys, ctrl, ns;
	g_autofree char *head = NULL;
	g_autofree char *dir = NULL;
	int end = -1;

	if (sscanf(name, "nvme%uc%un%u%n", &subsys, &ctrl, &ns, &end) != 3 ||
	    end < 0 || name[end] || !g_ascii_isdigit(name[4]))
		return NULL;
	head = g_strdup_printf("nvme%un%u", subsys, ns);
	dir = vmp_path("sys/class/block/%s", head);
	if (!g_file_test(dir, G_FILE_TEST_EXISTS))
		return NULL;
	return g_steal_pointer(&head);
}

/* @name's partitions, holders and NVMe head, and theirs, onto the stack. */
static void expand(Stack *s, const char *name, const char *base)
{
	g_autofree char *dir = vmp_path("sys/class/block/%s", name);
	g_autofree char *holders_dir = g_build_filename(dir, "holders", NULL);
	g_autoptr(GPtrArray) children = vmp_sysfs_list_dir(dir);
	g_autoptr(GPtrArray) holders = vmp_sysfs_list_dir(holders_dir);
	g_autofree char *head = nvme_head_of(name);

	if (head && stack_push(s, head, base))
		expand(s, head, base);

	for (guint i = 0; i < children->len; i++) {
		const char *child = g_ptr_array_index(children, i);
		g_autofree char *part = g_build_filename(dir, child, "partition", NULL);

		if (g_file_test(part, G_FILE_TEST_EXISTS) && stack_push(s, child, base))
			expand(s, child, base);
	}
	for (guint i = 0; i < holders->len; i++) {
		const char *holder = g_ptr_array_index(holders, i);

		/* The function's own devices; what is above them shows below. */
		if (g_str_equal(name, base)) {
			g_autofree char *label = holder_label(holder);

			add_use(s, name, "is held by %s", label);
		}
		if (stack_push(s, holder, base))
			expand(s, holder, base);
	}
}

/* The btrfs filesystem (mounted: it is in /sys/fs/btrfs) with @dev. */
static char *btrfs_member_on_stack(Stack *s, const char *dev)
{
	g_autofree char *dir = vmp_path("sys/fs/btrfs");
	g_autoptr(GPtrArray) fsids = vmp_sysfs_list_dir(dir);

	for (guint i = 0; i < fsids->len; i++) {
		g_autofree char *devs = g_build_filename(dir, g_ptr_array_index(fsids, i),
							 "devices", NULL);
		g_autofree char *mine = g_build_filename(devs, dev, NULL);
		g_autoptr(GPtrArray) members = NULL;

		if (!g_file_test(mine, G_FILE_TEST_EXISTS))
			continue;
		members = vmp_sysfs_list_dir(devs);
		for (guint j = 0; j < members->len; j++) {
			const char *member = g_ptr_array_index(members, j);

			if (g_hash_table_contains(s->base, member))
				return g_strdup(member);
		}
	}
	return NULL;
}

/* The stack member that mount @m is on, or NULL. */
static char *mount_member(Stack *s, const VmpMount *m)
{
	const char *by_dev = g_hash_table_lookup(s->by_majmin, m->majmin);
	g_autofree char *source = NULL;
	g_autofree char *pool = NULL;

	if (by_dev)
		return g_strdup(by_dev);
	if (g_str_equal(m->fstype, "zfs")) {
		pool = g_strndup(m->source, strcspn(m->source, "/"));
		return g_strdup(g_hash_table_lookup(s->pools, pool));
	}
	source = vmp_block_name_of(m->source);
	if (!source)
		return NULL;
	if (g_hash_table_contains(s->base, source))
		return g_steal_pointer(&source);
	if (g_str_equal(m->fstype, "btrfs"))
		return btrfs_member_on_stack(s, source);
	return NULL;
}

/* The stack member that holds file @path, or NULL. */
static char *file_member(Stack *s, const char *path)
{
	const VmpMount *m = vmp_mount_of_path(s->mounts, path);

	return m ? mount_member(s, m) : NULL;
}

/* Loop devices backed by a file on the stack, until none is new. */
static void add_loops(Stack *s)
{
	g_autofree char *dir = vmp_path("sys/class/block");
	g_autoptr(GPtrArray) all = vmp_sysfs_list_dir(dir);
	gboolean grew = TRUE;

	while (grew) {
		grew = FALSE;
		for (guint i = 0; i < all->len; i++) {
			const char *loop = g_ptr_array_index(all, i);
			g_autofree char *file = NULL;
			g_autofree char *member = NULL;
			const char *base;

			if (!g_str_has_prefix(loop, "loop") ||
			    g_hash_table_contains(s->base, loop))
				continue;
			file = block_attr(loop, "loop/backing_file");
			member = file ? file_member(s, file) : NULL;
			if (!member)
				continue;
			base = g_hash_table_lookup(s->base, member);
			stack_push(s, loop, base);
			add_use(s, loop, "is a loop device over %s", file);
			expand(s, loop, base);
			grew = TRUE;
		}
	}
}

static void check_mounts(Stack *s)
{
	for (guint i = 0; i < s->mounts->len; i++) {
		const VmpMount *m = g_ptr_array_index(s->mounts, i);
		g_autofree char *member = mount_member(s, m);

		if (member)
			add_use(s, member, "is mounted on %s (%s)", m->mountpoint,
				m->fstype);
	}
}

static void check_swaps(Stack *s)
{
	g_autofree char *path = vmp_path("proc/swaps");
	g_auto(GStrv) lines = vmp_sysfs_read_lines(path);

	/* The first line is a header. */
	for (guint i = 1; lines && lines[0] && lines[i]; i++) {
		g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 2);
		g_autofree char *file = f[0] && *f[0] ? g_strcompress(f[0]) : NULL;
		g_autofree char *dev = file ? vmp_block_name_of(file) : NULL;
		g_autofree char *member = NULL;

		if (dev && g_hash_table_contains(s->base, dev)) {
			add_use(s, dev, "is used as swap");
			continue;
		}
		member = file && !dev ? file_member(s, file) : NULL;
		if (member)
			add_use(s, member, "holds the active swap file %s", file);
	}
}

void vmp_inuse_block(const char *bdf, GPtrArray *uses)
{
	g_autoptr(GPtrArray) disks = vmp_pci_class_members(bdf, "block");
	g_auto(Stack) s = {
		.base = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.by_majmin = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.pools = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.uses = uses,
	};

	if (disks->len == 0)
		return;
	for (guint i = 0; i < disks->len; i++)
		stack_push(&s, g_ptr_array_index(disks, i),
			   g_ptr_array_index(disks, i));
	for (guint i = 0; i < disks->len; i++)
		expand(&s, g_ptr_array_index(disks, i), g_ptr_array_index(disks, i));
	s.mounts = vmp_mounts_read();
	add_loops(&s);
	check_mounts(&s);
	check_swaps(&s);
}
