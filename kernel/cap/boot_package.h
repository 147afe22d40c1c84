/* The boot package: the USTAR archive the loader handed over as the one boot
 * module. Read-only; the BootPackage capability and the spawner read it.
 * The archive is validated once at boot and indexed then, so looking a file
 * up never walks (or re-checksums) the archive again. */
#ifndef CAPOS_KERNEL_CAP_BOOT_PACKAGE_H
#define CAPOS_KERNEL_CAP_BOOT_PACKAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/elf.h"
#include "lib/tar.h"

/* One regular file of the package. */
struct boot_file {
	char name[TAR_NAME_MAX];
	const void *data;
	uint64_t size;
	bool sig_checked;     /* sig_err, body_size and digest are valid */
	int sig_err;          /* ARCSIG_OK or why the signature is refused (lib/crypto/arcsig.h) */
	uint64_t body_size;   /* the signed part: size less the trailer */
	uint8_t digest[32];   /* BLAKE3 of the signed part */
	bool elf_parsed;      /* elf and elf_err are valid */
	int elf_err;          /* ELF_OK or why the file is not an acceptable ELF */
	struct elf_image elf; /* parsed on first use */
};

/* boot_package_init's answer when the kernel heap cannot hold the index. */
#define BOOT_PACKAGE_NO_MEMORY 1

/* Validates the archive (every header) and indexes its files. Returns
 * TAR_OK, the first enum tar_err met (tar_strerror names it) if it is not a
 * well-formed USTAR archive of the member types the kernel reads, or
 * BOOT_PACKAGE_NO_MEMORY. */
int boot_package_init(const void *archive, uint64_t len);

/* The regular file called name, or NULL. */
const struct boot_file *boot_package_find(const char *name);

/* f's ARCSIG signature checked against the kernel's public key, once (the
 * verdict is kept): ARCSIG_OK, ARCSIG_NO_SIGNATURE or ARCSIG_BAD_SIGNATURE.
 * Nothing is allocated or mapped for the file before this says ARCSIG_OK. */
int boot_package_verify(const struct boot_file *f);

/* f (which boot_package_verify accepted) parsed as a user ELF executable,
 * once, without its trailer: ELF_OK with *img, or the error. */
int boot_package_elf(const struct boot_file *f, const struct elf_image **img);

/* The signing key's fingerprint: BLAKE3(public key)[0, 8). */
void boot_package_fingerprint(uint8_t fp[8]);

#endif
