# shellcheck shell=bash
# The kernel tier's inputs: a kernel, our module built against it, and a
# busybox initramfs that holds both (see tests/vm/README.md, "Tiers").
#
# Every kernel is taken from a Debian root that has its modules and its
# headers, and our module is compiled in that root (chroot), with the
# compiler Debian builds that kernel with:
#   trixie, sid  the image root of image.sh SUITE (Debian's kernel);
#   debug        kernel-build.sh debug's .debs, unpacked into the trixie image
#                root next to Debian's kernel, as dpkg -i would put them.

# kernel_resolve NAME: sets K_RELEASE, K_VMLINUZ, K_CONFIG, K_ROOT (the
# root holding /lib/modules/K_RELEASE and the headers) and K_KDIR (the
# headers' path inside K_ROOT).
kernel_resolve() {
	local image
	case $1 in
	trixie|sid)
		image=$("$VM_DIR/image.sh" "$1")
		K_ROOT=$image/root
		K_RELEASE=$(cat "$image/kernel-release")
		K_VMLINUZ=$image/vmlinuz
		;;
	debug)
		local debs
		debs=$("$VM_DIR/kernel-build.sh" debug)
		image=$("$VM_DIR/image.sh" trixie)
		K_ROOT=$image/root
		K_RELEASE=$(cat "$debs/kernel-release")
		K_VMLINUZ=$K_ROOT/boot/vmlinuz-$K_RELEASE
		# Once per debug build: the marker names the build's cache key.
		local marker=$K_ROOT/.vmp-unpacked-$(basename "$debs")
		(
			flock 9
			if [ ! -e "$marker" ]; then
				local deb
				# Another build of the same release leaves nothing
				# behind: a stale module would be packed and loaded.
				rm -rf "$K_ROOT/lib/modules/$K_RELEASE" \
					"$K_ROOT/usr/src/linux-headers-$K_RELEASE" \
					"$K_ROOT"/.vmp-unpacked-debug-*
				# --keep-directory-symlink: the root is merged-/usr, and
				# the .debs' /lib/modules must not replace its /lib link.
				for deb in "$debs"/linux-image-*.deb "$debs"/linux-headers-*.deb; do
					dpkg-deb --fsys-tarfile "$deb" |
						tar -x --keep-directory-symlink -C "$K_ROOT"
				done
				chroot "$K_ROOT" depmod "$K_RELEASE"
				touch "$marker"
			fi
		) 9>"$K_ROOT/.vmp-unpack.lock"
		;;
	*) die "unknown kernel '$1' (trixie, sid or debug)" ;;
	esac
	K_CONFIG=$K_ROOT/boot/config-$K_RELEASE
	K_KDIR=/usr/src/linux-headers-$K_RELEASE
	[ -e "$K_VMLINUZ" ] && [ -d "$K_ROOT/lib/modules/$K_RELEASE/kernel" ] &&
		[ -d "$K_ROOT$K_KDIR" ] ||
		die "kernel $1 ($K_RELEASE): no kernel image, modules or headers in $K_ROOT"
}

# kernel_resolve_tap NAME: kernel_resolve for a TAP test: a skip, with
# the reason, where it cannot run (not root), a bail-out where the kernel
# cannot be had.
kernel_resolve_tap() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (chroot, mmdebstrap)"
		exit 0
	fi
	if ! (kernel_resolve "$1" >/dev/null); then
		echo "Bail out! no $1 kernel to build against"
		exit 1
	fi
	kernel_resolve "$1"
}

# in_root ROOT COMMAND...: run COMMAND in ROOT, with /proc (objtool reads
# it) and one user of the root at a time; ROOT/tmp is the scratch space.
in_root() {
	local root=$1
	shift
	(
		flock 9
		mount -t proc proc "$root/proc"
		trap 'umount "$root/proc" || umount -l "$root/proc"' EXIT
		chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"
	) 9>"$root/.vmp-build.lock"
}

# The one build of our module for a kernel: the VM suites load what it
# makes, and the build suite's checks (tests/build/module-build.sh) read
# its log.  W=1 and -Werror as the build suite demands; sparse (C=1) on
# every file as it is compiled.  KBUILD_CHECKSRC=1 overrides the kernel
# Makefile's check with scripts/checker-valid.sh, which Debian's 7.2
# headers lack.  One compilation instead of three: on the first CI run
# each costs most of a minute of the cores the guests share.
KERNEL_MODULE_FLAGS="W=1 KCFLAGS=-Werror C=1 KBUILD_CHECKSRC=1"

# kernel_module OUTDIR: build vfio_mdev_pci.ko for K_RELEASE in K_ROOT
# from the tree's kernel/ (once per sources, headers and flags:
# build_once) and put it in OUTDIR with its log, module-build.log.
kernel_module() {
	local key
	# The sources, the headers' identity (their configuration and the
	# symbol versions the module links against) and the recipe.
	key=$({ cat "$SRC_ROOT"/kernel/{Kbuild,Makefile,conftest.sh,*.c,*.h} \
		"$K_ROOT$K_KDIR/include/config/auto.conf" \
		"$K_ROOT$K_KDIR/Module.symvers" || date +%s.%N
		declare -f kernel_module_build
		echo "$K_ROOT $K_RELEASE $KERNEL_MODULE_FLAGS"; } |
		sha256sum | cut -c1-16)
	build_once module "$key" "$1" kernel_module_build
}

kernel_module_build() {
	local out=$1 scratch rc=0
	scratch=$(mktemp -d "$K_ROOT/tmp/vmp-module.XXXXXX")
	cp "$SRC_ROOT"/kernel/{Kbuild,Makefile,conftest.sh,*.c,*.h} "$scratch/"
	rm -f "$scratch/conftest.h"
	# The files sparse must check: module-build.sh counts them.
	(cd "$scratch" && ls -- *.c) >"$out/module-sources"
	# shellcheck disable=SC2086 # KERNEL_MODULE_FLAGS: one word per flag
	in_root "$K_ROOT" make -C "/tmp/${scratch##*/}" KDIR="$K_KDIR" \
		$KERNEL_MODULE_FLAGS >"$out/module-build.log" 2>&1 || rc=$?
	[ $rc = 0 ] && cp "$scratch/vfio_mdev_pci.ko" "$out/"
	rm -rf "$scratch"
	[ $rc = 0 ] || { tail -n 30 "$out/module-build.log" >&2; die "module build for $K_RELEASE failed"; }
}

# kernel_test_modules OUTDIR: build the test-only modules of tests/vm/kmod
# (shutdown-race's lock holder) for K_RELEASE, with the same flags, and
# put them in OUTDIR.
kernel_test_modules() {
	local key
	key=$({ cat "$SRC_ROOT"/tests/vm/kmod/{Kbuild,*.c} \
		"$K_ROOT$K_KDIR/include/config/auto.conf" \
		"$K_ROOT$K_KDIR/Module.symvers" || date +%s.%N
		declare -f kernel_test_modules_build
		echo "$K_ROOT $K_RELEASE $KERNEL_MODULE_FLAGS"; } |
		sha256sum | cut -c1-16)
	build_once test-modules "$key" "$1" kernel_test_modules_build
}

kernel_test_modules_build() {
	local out=$1 scratch rc=0
	scratch=$(mktemp -d "$K_ROOT/tmp/vmp-test-modules.XXXXXX")
	cp "$SRC_ROOT"/tests/vm/kmod/{Kbuild,*.c} "$scratch/"
	# shellcheck disable=SC2086 # KERNEL_MODULE_FLAGS: one word per flag
	in_root "$K_ROOT" make -C "$K_KDIR" "M=/tmp/${scratch##*/}" \
		$KERNEL_MODULE_FLAGS modules >"$out/test-modules-build.log" 2>&1 || rc=$?
	[ $rc = 0 ] && cp "$scratch"/*.ko "$out/"
	rm -rf "$scratch"
	[ $rc = 0 ] || { tail -n 30 "$out/test-modules-build.log" >&2; die "test module build for $K_RELEASE failed"; }
}

# The modules the kernel scenarios load, besides ours and its
# dependencies: VFIO's IOMMU backend and vfio-pci, the host drivers of
# the emulated NICs (udev would load them in a full system), and the 9p
# shares.  vfio_iommu_type1 is only a soft dependency of vfio, which
# kmod's modprobe follows.
KERNEL_TIER_MODULES="vfio vfio_iommu_type1 vfio_pci mdev e1000 igb igbvf 9p 9pnet_virtio"

# kernel_initramfs OUTFILE KO VFIO_CLIENT [TEST_KO...]: a cpio.gz with
# busybox, kmod (modprobe follows softdeps and the kernel's
# request_module() calls /sbin/modprobe), dash as /bin/sh, the VFIO
# client, our module, the test modules and the modules they and the
# scenarios need, and guest/kernel-init as /init.
# Debian's busybox shell runs its own applets before anything on PATH,
# so under it `modprobe` would be busybox's, which ignores softdeps: the
# scenarios run under dash, as in the Debian guests.
kernel_initramfs() {
	local outfile=$1 ko=$2 client=$3 stage rel=$K_RELEASE
	shift 3
	stage=$(mktemp -d "$K_ROOT/tmp/vmp-initramfs.XXXXXX")
	local s=/tmp/${stage##*/}
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,mnt/src,mnt/out,boot,var/lib,usr/libexec/installed-tests/vfio-mdev-pci}
	mkdir -p "$stage/lib/modules/$rel/updates"
	cp "$ko" "$@" "$stage/lib/modules/$rel/updates/"
	cp /bin/busybox "$stage/bin/busybox"
	cp "$client" "$stage/usr/libexec/installed-tests/vfio-mdev-pci/vfio-client"
	cp "$K_CONFIG" "$stage/boot/"
	cp "$VM_DIR/guest/kernel-init" "$stage/init"
	chmod 755 "$stage/init"
	local m
	for m in modules.builtin modules.builtin.modinfo modules.order; do
		[ -e "$K_ROOT/lib/modules/$rel/$m" ] && cp "$K_ROOT/lib/modules/$rel/$m" "$stage/lib/modules/$rel/"
	done
	# Module files with their dependencies, and kmod and dash with their
	# libraries, as the root resolves them.
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_root "$K_ROOT" sh -euc '
		rel=$1 stage=$2 ko=$2/lib/modules/$1/updates/vfio_mdev_pci.ko
		shift 2
		deps=$(modinfo -F depends "$ko" | tr , " ")
		for f in $(modprobe -S "$rel" --show-depends -a "$@" $deps |
				sed -n "s/^insmod \([^ ]*\).*/\1/p" | sort -u); do
			mkdir -p "$stage${f%/*}"
			cp "$f" "$stage$f"
		done
		for f in /usr/bin/kmod /usr/bin/dash \
			$(ldd /usr/bin/kmod /usr/bin/dash | grep -o "/[^ :]*" | sort -u); do
			mkdir -p "$stage${f%/*}"
			cp -L "$f" "$stage$f"
		done
	' sh "$rel" "$s" $KERNEL_TIER_MODULES
	# Decompressed here: Debian's kernels do not decompress modules
	# themselves, and kmod would need its compression libraries, which
	# it opens only when needed (dlopen), so ldd does not name them.
	find "$stage/lib/modules" -name '*.ko.xz' -exec xz -d {} +
	find "$stage/lib/modules" -name '*.ko.zst' -exec zstd -q -d --rm {} +
	in_root "$K_ROOT" depmod -b "$s" "$rel"
	for m in modprobe insmod rmmod lsmod depmod modinfo; do
		ln -s /usr/bin/kmod "$stage/sbin/$m"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$outfile"
	rm -rf "$stage"
}
