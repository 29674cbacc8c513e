// SPDX-License-Identifier: GPL-2.0-only
/* Does the compiler link a libFuzzer target? (meson.build, run.sh) */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
