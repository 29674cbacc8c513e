#!/bin/sh
# Validate every *.xml in DIR against our schemas (vfio-mdev-pci validate)
# and, where virt-xml-validate is installed, against libvirt's own. Files
# named *-invalid.xml must fail our schemas. <hostdev> fragments are
# wrapped in a minimal domain for libvirt, which has no hostdev schema.
# Output is TAP, so the VM scenarios can run it in the guest.
#   validate-xml.sh DIR [TOOL]
set -u
dir=${1:?usage: validate-xml.sh DIR [TOOL]}
tool=${2:-vfio-mdev-pci}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

set -- "$dir"/*.xml
have_virt=0
command -v virt-xml-validate >/dev/null 2>&1 && have_virt=1
echo "1..$(($# * 2))"
n=0
for f in "$@"; do
	name=$(basename "$f")
	n=$((n + 1))
	case $name in
	*-invalid.xml)
		if "$tool" validate "$f" >/dev/null 2>&1; then
			echo "not ok $n - $name: accepted by our schemas"
		else
			echo "ok $n - $name: rejected by our schemas"
		fi
		n=$((n + 1))
		echo "ok $n - $name # SKIP invalid files are not checked with libvirt"
		continue
		;;
	esac
	if out=$("$tool" validate "$f" 2>&1); then
		echo "ok $n - $name: our schemas"
	else
		echo "not ok $n - $name: our schemas"
		printf '# %s\n' "$out"
	fi
	n=$((n + 1))
	if [ $have_virt = 0 ]; then
		echo "ok $n - $name # SKIP virt-xml-validate is not installed (libvirt-clients)"
		continue
	fi
	case $name in
	hostdev*)
		doc=$tmp/$name
		{
			echo "<domain type='qemu'><name>validate</name><memory>131072</memory>"
			echo "<os><type arch='x86_64'>hvm</type></os><devices>"
			cat "$f"
			echo "</devices></domain>"
		} >"$doc"
		kind=domain
		;;
	*)
		doc=$f
		kind=nodedev
		;;
	esac
	if out=$(virt-xml-validate "$doc" "$kind" 2>&1); then
		echo "ok $n - $name: libvirt's $kind schema"
	else
		echo "not ok $n - $name: libvirt's $kind schema"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
