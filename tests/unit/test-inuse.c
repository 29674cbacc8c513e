// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host-in-use check behind bind, udev-add and the callout's pre
 * start: each kind of use on the fake tree, refused with every use named,
 * and --force going ahead with a warning that names what it overrides.
 */
#include <glib/gstdio.h>

#include "error.h"
#include "fake-sysfs.h"
#include "inuse.h"
#include "rebind.h"
#include "run-cmd.h"

#include <stdarg.h>
#include <string.h>

#define NIC FAKE_NIC

/* A mountinfo line up to the fstype: ID, parent, MAJ:MIN, root, mount point. */
#define MNT(majmin, point) "30 1 " majmin " / " point " rw,relatime shared:1 - "

static void assert_driver(FakeSys *fs, const char *want)
{
	g_autofree char *driver = fake_sys_driver(fs, NIC);

	g_assert_cmpstr(driver, ==, want);
}

/* Refused as in use, naming each of the NULL-terminated needles. */
static void assert_in_use(FakeSys *fs, const char *driver, ...)
{
	g_autoptr(GError) error = NULL;
	const char *needle;
	va_list ap;

	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_IN_USE);
	va_start(ap, driver);
	while ((needle = va_arg(ap, const char *))) {
		if (!strstr(error->message, needle))
			g_error("'%s' not in: %s", needle, error->message);
	}
	va_end(ap);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, driver);
}

static void assert_free(FakeSys *fs)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	assert_driver(fs, "vfio-mdev-pci");
}

/* A disk of the NIC's function with partitions p1 (259:1) to p3. */
static FakeSys *disk_tree(void)
{
	FakeSys *fs = fake_sys_new_nic();

	fake_sys_add_block(fs, NIC, "nvme0n1", "259:0");
	fake_sys_add_partition(fs, "nvme0n1", "nvme0n1p1", "259:1");
	fake_sys_add_partition(fs, "nvme0n1", "nvme0n1p2", "259:2");
	fake_sys_add_partition(fs, "nvme0n1", "nvme0n1p3", "259:3");
	return fs;
}

/* btrfs shows an anonymous 0:N in mountinfo; its source names the disk. */
static void test_btrfs_root(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:23", "/") "btrfs /dev/nvme0n1p2 rw,subvol=/@\n");
	assert_in_use(fs, "e1000", "Block device 'nvme0n1p2' is mounted on / (btrfs)", NULL);
}

/* A second member of a multi-device btrfs: the source names the first. */
static void test_btrfs_member(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_add_virtual_block(fs, "sda2", "8:2", NULL);
	fake_sys_file(fs, "sys/fs/btrfs/5e0c-77/devices/sda2", "");
	fake_sys_file(fs, "sys/fs/btrfs/5e0c-77/devices/nvme0n1p3", "");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:31", "/data") "btrfs /dev/sda2 rw\n");
	assert_in_use(fs, "e1000", "Block device 'nvme0n1p3' is mounted on /data (btrfs)", NULL);
}

/*
 * NVMe multipath, as on Debian's kernels: the function's disk is the
 * hidden path nvme0c0n1, and the btrfs is on the head's partition.
 */
static void test_nvme_multipath(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_block(fs, NIC, "nvme0c0n1", "259:0");
	fake_sys_add_virtual_block(fs, "nvme0n1", "259:1", NULL);
	fake_sys_add_partition(fs, "nvme0n1", "nvme0n1p1", "259:2");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:23", "/data") "btrfs /dev/nvme0n1p1 rw\n");
	assert_in_use(fs, "e1000",
		      "Block device 'nvme0n1p1' (on nvme0c0n1) is mounted on /data (btrfs)",
		      NULL);
}

/* Another subsystem's head is not ours. */
static void test_nvme_other_head(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_block(fs, NIC, "nvme0c0n1", "259:0");
	fake_sys_add_virtual_block(fs, "nvme1n1", "259:1", NULL);
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:23", "/data") "btrfs /dev/nvme1n1 rw\n");
	assert_free(fs);
}

static void test_zfs(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_file(fs, "run/udev/data/b259:1",
		      "S:disk/by-partlabel/zfs\nE:ID_FS_TYPE=zfs_member\nE:ID_FS_LABEL=tank\n");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:40", "/") "zfs tank/root rw,xattr\n");
	/* Exported: the label stays, but nothing uses the disk. */
	assert_free(fs);
}

static void test_zfs_imported(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_file(fs, "run/udev/data/b259:1",
		      "E:ID_FS_TYPE=zfs_member\nE:ID_FS_LABEL=tank\n");
	fake_sys_file(fs, "proc/spl/kstat/zfs/tank/state", "ONLINE\n");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("0:40", "/") "zfs tank/root rw,xattr\n");
	assert_in_use(fs, "e1000",
		      "Block device 'nvme0n1p1' is a member of the imported ZFS pool 'tank'.",
		      "Block device 'nvme0n1p1' is mounted on / (zfs)", NULL);
	/* Without a pool name, a loaded ZFS may be using it. */
	fake_sys_file(fs, "run/udev/data/b259:1", "E:ID_FS_TYPE=zfs_member\n");
	fake_sys_file(fs, "sys/module/zfs/version", "2.2.7\n");
	assert_in_use(fs, "e1000", "'nvme0n1p1' is a ZFS pool member (pool name unknown)", NULL);
}

/* md and device-mapper above the disk: held, and used further up. */
static void test_md_dm(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_add_virtual_block(fs, "md0", "9:0", "nvme0n1p1");
	fake_sys_add_partition(fs, "md0", "md0p1", "259:8");
	fake_sys_add_virtual_block(fs, "dm-0", "253:0", "nvme0n1p2");
	fake_sys_file(fs, "sys/class/block/dm-0/dm/name", "luks-4d2c\n");
	fake_sys_add_virtual_block(fs, "dm-1", "253:1", "dm-0");
	fake_sys_file(fs, "sys/class/block/dm-1/dm/name", "vg0-root\n");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("259:8", "/boot") "ext4 /dev/md0p1 rw\n"
		      MNT("0:30", "/") "btrfs /dev/mapper/vg0-root rw\n");
	assert_in_use(fs, "e1000",
		      "Block device 'nvme0n1p1' is held by 'md0'.",
		      "Block device 'nvme0n1p2' is held by 'dm-0' (luks-4d2c).",
		      "Block device 'md0p1' (on nvme0n1p1) is mounted on /boot (ext4).",
		      "Block device 'dm-1' (on nvme0n1p2) is mounted on / (btrfs).", NULL);
}

/* A loop device over a file on the disk's filesystem, used as swap. */
static void test_loop(void)
{
	g_autoptr(FakeSys) fs = disk_tree();
	g_autoptr(GError) error = NULL;

	fake_sys_add_virtual_block(fs, "loop0", "7:0", NULL);
	fake_sys_file(fs, "sys/class/block/loop0/loop/backing_file", "/srv/images/disk.img\n");
	fake_sys_add_virtual_block(fs, "loop1", "7:1", NULL);
	fake_sys_file(fs, "sys/class/block/loop1/loop/backing_file", "/var/other.img\n");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("8:1", "/") "ext4 /dev/sda1 rw\n"
		      MNT("259:1", "/srv") "ext4 /dev/nvme0n1p1 rw\n");
	fake_sys_file(fs, "proc/swaps",
		      "Filename\tType\tSize\tUsed\tPriority\n"
		      "/dev/loop0                              partition\t1048572\t0\t-2\n"
		      "/dev/loop1                              partition\t1048572\t0\t-3\n");
	assert_in_use(fs, "e1000",
		      "Block device 'loop0' (on nvme0n1p1) is a loop device over /srv/images/disk.img.",
		      "Block device 'loop0' (on nvme0n1p1) is used as swap.", NULL);
	g_assert_false(vmp_bind(NIC, 0, &error));
	/* loop1's file is on another disk. */
	g_assert_null(strstr(error->message, "loop1"));
}

static void test_swap(void)
{
	g_autoptr(FakeSys) fs = disk_tree();

	fake_sys_add_virtual_block(fs, "dm-0", "253:0", "nvme0n1p2");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("259:1", "/srv") "xfs /dev/nvme0n1p1 rw\n");
	fake_sys_file(fs, "proc/swaps",
		      "Filename\tType\tSize\tUsed\tPriority\n"
		      "/dev/dm-0 partition\t1048572\t0\t-2\n"
		      "/srv/swap\\040file file\t1048572\t0\t-3\n");
	assert_in_use(fs, "e1000",
		      "Block device 'dm-0' (on nvme0n1p2) is used as swap.",
		      "Block device 'nvme0n1p1' holds the active swap file /srv/swap file.", NULL);
}

/* A bond slave or bridge port is in use even while it is down. */
static void test_enslaved(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_net(fs, NIC, "enp1s0", FALSE);
	fake_sys_link(fs, "sys/class/net/enp1s0/master", "../bond0");
	assert_in_use(fs, "e1000", "Network interface 'enp1s0' is enslaved to 'bond0'.", NULL);
}

/* The NIC on vfio-pci in group 7, and a VM using group 8. */
static FakeSys *vfio_tree(void)
{
	FakeSys *fs = fake_sys_new();

	fake_sys_add_driver(fs, "vfio-pci");
	fake_sys_add_driver(fs, "vfio-mdev-pci");
	fake_sys_add_device(fs, NIC, "8086:100e", "vfio-pci", "7");
	fake_sys_file(fs, "proc/4343/comm", "qemu-system-x86\n");
	fake_sys_link(fs, "proc/4343/fd/9", "/dev/vfio/8");
	return fs;
}

/* On vfio-pci, with a VM's QEMU holding the group or the device open. */
static void test_vfio_user(void)
{
	g_autoptr(FakeSys) fs = vfio_tree();

	fake_sys_file(fs, "proc/4242/comm", "qemu-system-x86\n");
	fake_sys_link(fs, "proc/4242/fd/0", "/dev/null");
	fake_sys_link(fs, "proc/4242/fd/17", "/dev/vfio/7");
	fake_sys_link(fs, "proc/4242/fd/18", "/dev/vfio/7");
	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC "/vfio-dev/vfio3/dev", "237:3\n");
	fake_sys_file(fs, "proc/4444/comm", "cloud-hypervisor\n");
	fake_sys_link(fs, "proc/4444/fd/5", "/dev/vfio/devices/vfio3");
	assert_in_use(fs, "vfio-pci",
		      "Process 4242 (qemu-system-x86) has /dev/vfio/7 open. Process 4444 (cloud-hypervisor) has /dev/vfio/devices/vfio3 open.",
		      NULL);
}

/*
 * On vfio-mdev-pci the function has no character device of its own: a
 * VMM holding its mdev's (iommufd, no group node) is a user too.
 */
static void test_vfio_mdev_cdev(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GPtrArray) uses = NULL;

	fake_sys_add_driver(fs, "vfio-mdev-pci");
	fake_sys_add_device(fs, NIC, "8086:100e", "vfio-mdev-pci", "7");
	fake_sys_add_mdev(fs, NIC, "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f");
	fake_sys_file(fs, "sys/bus/mdev/devices/0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f/vfio-dev/vfio5/dev",
		      "237:5\n");
	fake_sys_file(fs, "proc/4545/comm", "qemu-system-x86\n");
	fake_sys_link(fs, "proc/4545/fd/30", "/dev/vfio/devices/vfio5");
	uses = vmp_pci_host_uses(NIC);
	g_assert_cmpuint(uses->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(uses, 0), ==,
			"Process 4545 (qemu-system-x86) has /dev/vfio/devices/vfio5 open.");
}

/* No process has group 7 open: another group's VM is no use of ours. */
/* On vfio-pci with an IOMMU group that cannot be read: not ruled out. */
static void test_vfio_unknown(void)
{
	g_autoptr(FakeSys) fs = vfio_tree();
	g_autofree char *group = g_build_filename(fake_sys_root(fs), "sys/bus/pci/devices",
						  NIC, "iommu_group", NULL);

	g_assert_cmpint(g_unlink(group), ==, 0);
	fake_sys_file(fs, "sys/bus/pci/devices/" NIC "/iommu_group", "7\n");
	assert_in_use(fs, "vfio-pci", "A VFIO user cannot be ruled out: ",
		      NIC "/iommu_group", NULL);
}

static void test_vfio_idle(void)
{
	g_autoptr(FakeSys) fs = vfio_tree();

	assert_free(fs);
}

static void test_boot_vga(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC "/boot_vga", "0\n");
	assert_free(fs);
}

static void test_boot_display(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC "/boot_vga", "1\n");
	assert_in_use(fs, "e1000", "It is the boot display (boot_vga is 1).", NULL);
}

static void test_console(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_class_member(fs, NIC, "tty", "ttyS4");
	fake_sys_add_class_member(fs, NIC, "tty", "ttyS5");
	fake_sys_add_class_member(fs, NIC, "graphics", "fb0");
	fake_sys_file(fs, "sys/class/tty/console/active", "tty0 ttyS4\n");
	assert_in_use(fs, "e1000",
		      "Its serial port 'ttyS4' is a system console.",
		      "Its framebuffer 'fb0' shows the virtual consoles.", NULL);
}

/* --force binds, and says exactly which uses it overrode. */
static void test_force_warns(void)
{
	g_autoptr(FakeSys) fs = disk_tree();
	g_autoptr(GError) error = NULL;
	g_autofree char *printed = NULL;

	fake_sys_add_net(fs, NIC, "enp1s0", TRUE);
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("259:1", "/srv") "ext4 /dev/nvme0n1p1 rw\n");
	printerr_catch();
	g_assert_true(vmp_bind(NIC, VMP_BIND_FORCE, &error));
	printed = printerr_release();
	g_assert_no_error(error);
	g_assert_cmpstr(printed, ==,
			"vfio-mdev-pci: warning: --force: using PCI device " NIC
			" although the host uses it: Network interface 'enp1s0' is up."
			" Block device 'nvme0n1p1' is mounted on /srv (ext4).\n");
	assert_driver(fs, "vfio-mdev-pci");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/inuse/btrfs-root", test_btrfs_root);
	g_test_add_func("/inuse/btrfs-member", test_btrfs_member);
	g_test_add_func("/inuse/nvme-multipath", test_nvme_multipath);
	g_test_add_func("/inuse/nvme-other-head", test_nvme_other_head);
	g_test_add_func("/inuse/zfs-exported", test_zfs);
	g_test_add_func("/inuse/zfs-imported", test_zfs_imported);
	g_test_add_func("/inuse/md-dm", test_md_dm);
	g_test_add_func("/inuse/loop", test_loop);
	g_test_add_func("/inuse/swap", test_swap);
	g_test_add_func("/inuse/enslaved", test_enslaved);
	g_test_add_func("/inuse/vfio-user", test_vfio_user);
	g_test_add_func("/inuse/vfio-idle", test_vfio_idle);
	g_test_add_func("/inuse/vfio-unknown", test_vfio_unknown);
	g_test_add_func("/inuse/vfio-mdev-cdev", test_vfio_mdev_cdev);
	g_test_add_func("/inuse/boot-vga-0", test_boot_vga);
	g_test_add_func("/inuse/boot-display", test_boot_display);
	g_test_add_func("/inuse/console", test_console);
	g_test_add_func("/inuse/force-warns", test_force_warns);
	return g_test_run();
}
