// SPDX-License-Identifier: GPL-2.0-only
#include "error.h"

G_DEFINE_QUARK(vfio-mdev-pci-error-quark, vmp_error)
