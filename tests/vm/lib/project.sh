# shellcheck shell=bash
# The integration tier's install medium, built on the host in the suite's
# image root (lib/kernel.sh: in_root, kernel_module), so that no compiler
# runs inside a TCG guest: a meson build directory that the guest installs
# with `meson install --no-rebuild`, as a user installs a build, and the
# module, which the guest puts where DKMS would.

# project_build SRC OUTDIR: configure and compile the exported tree SRC
# in K_ROOT (once per tree, root and recipe: build_once); OUTDIR gets
# project.tar (the source and build directories, at the absolute paths
# meson recorded, which the guest extracts at /), vfio_mdev_pci.ko for
# K_RELEASE, depmod.tar and the build logs.  The build installs the VFIO
# test client too (-Dinstalled_tests=true): the scenarios run it.
project_build() {
	local key
	key=$({ (cd "$1" && find . -type f -print0 | sort -z |
		xargs -0 sha256sum) || date +%s.%N
		declare -f project_build_in
		echo "$K_ROOT $K_RELEASE"; } | sha256sum | cut -c1-16)
	build_once project "$key" "$2" project_build_in "$1"
}

project_build_in() {
	local src=$1 out=$2 scratch rc=0
	scratch=$(mktemp -d "$K_ROOT/tmp/vmp-project.XXXXXX")
	local s=/tmp/${scratch##*/}
	cp -a "$src" "$scratch/src"
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_root "$K_ROOT" sh -euc '
		meson setup "$1/build" "$1/src" --prefix=/usr --sysconfdir=/etc \
			--localstatedir=/var -Dvm_tests=disabled -Dtests=disabled \
			-Dinstalled_tests=true
		meson compile -C "$1/build"
	' sh "$s" >"$out/project-build.log" 2>&1 || rc=$?
	if [ $rc = 0 ]; then
		tar -C "$K_ROOT" -cf "$out/project.tar" "${s#/}"
	fi
	rm -rf "$scratch"
	[ $rc = 0 ] || { tail -n 30 "$out/project-build.log" >&2; die "project build in $K_ROOT failed"; }
	echo "$s" >"$out/project-dir"
	kernel_module "$out"
	project_depmod "$out"
}

# project_depmod OUTDIR: depmod's indexes of K_RELEASE's modules with
# ours in updates/dkms, computed in K_ROOT, whose module tree is the
# guest's: the same depmod run in the guest, over 4000 compressed modules,
# took 90-110 s under TCG and 15 s here.  OUTDIR/depmod.tar holds the
# modules.* files for /lib/modules/K_RELEASE.
project_depmod() {
	local out=$1 base rel=$K_RELEASE f
	base=$(mktemp -d "$K_ROOT/tmp/vmp-depmod.XXXXXX")
	mkdir -p "$base/lib/modules/$rel/updates/dkms"
	ln -s "/lib/modules/$rel/kernel" "$base/lib/modules/$rel/kernel"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$K_ROOT/lib/modules/$rel/$f" "$base/lib/modules/$rel/"
	done
	cp "$out/vfio_mdev_pci.ko" "$base/lib/modules/$rel/updates/dkms/"
	in_root "$K_ROOT" depmod -b "/tmp/${base##*/}" "$rel"
	(cd "$base/lib/modules/$rel" && tar -cf "$out/depmod.tar" modules.*)
	rm -rf "$base"
}
