/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include "config.h"

/*
 * The devices list and doctor show unless told otherwise: bound or
 * overridden to vfio-mdev-pci, with one of our persistent definitions,
 * or named in the config file. Their addresses, sorted; every PCI
 * function with @all. NULL with @error for a broken definition of ours.
 */
GPtrArray *vmp_pci_list_of_interest(const VmpConfig *config, gboolean all,
				    GError **error);
