/* The boot package: the USTAR archive the loader handed over as the one boot
 * module. Read-only; the BootPackage capability and the spawner read it. */
#ifndef CAPOS_KERNEL_CAP_BOOT_PACKAGE_H
#define CAPOS_KERNEL_CAP_BOOT_PACKAGE_H

#include <stdbool.h>
#include <stdint.h>

/* Validates the archive (every header) and keeps it. Returns TAR_OK, or the
 * first enum tar_err met (tar_strerror names it) if it is not a well-formed
 * USTAR archive of the member types the kernel reads. */
int boot_package_init(const void *archive, uint64_t len);

/* Finds a regular file; true and *data / *len if present. */
bool boot_package_find(const char *name, const void **data, uint64_t *len);

#endif
