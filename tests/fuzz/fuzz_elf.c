/* elf_parse on arbitrary bytes. Traps when an accepted image breaks what the
 * parser promises: 1..ELF_MAX_SEGMENTS non-empty segments sorted by address
 * with no shared page, inside the user range, never W+X, file bytes inside
 * the input, vaddr and offset congruent modulo the page, the entry inside an
 * executable segment, a sane TLS template. A rejected image must leave *out
 * zeroed. The input is parsed in place: libFuzzer's buffer is exactly size
 * bytes, so ASan reports any read past it.
 *
 * Seeds: static executables made by clang+lld and gcc+GNU ld from a small
 * freestanding program with TLS, data and bss. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/elf.h"

#define UMIN 0x1000ull
#define UMAX 0x0000800000000000ull
#define PGMASK 0xfffull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_segments(const struct elf_image *im, size_t size)
{
	uint64_t prev_end = 0;

	CHECK(im->nsegments >= 1 && im->nsegments <= ELF_MAX_SEGMENTS);
	for (uint32_t i = 0; i < im->nsegments; i++) {
		const struct elf_segment *s = &im->seg[i];
		uint64_t start = s->vaddr & ~PGMASK, end;

		CHECK(s->memsz > 0 && s->memsz <= UMAX && s->vaddr <= UMAX - s->memsz);
		end = (s->vaddr + s->memsz + PGMASK) & ~PGMASK;
		CHECK(start >= UMIN && end <= UMAX);
		CHECK(start >= prev_end);
		CHECK(s->filesz <= s->memsz);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(((s->vaddr ^ s->offset) & PGMASK) == 0);
		CHECK((s->flags & ~(uint32_t)(ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)) == 0);
		CHECK(!((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X)));
		prev_end = end;
	}
}

static void check_entry(const struct elf_image *im)
{
	for (uint32_t i = 0; i < im->nsegments; i++) {
		const struct elf_segment *s = &im->seg[i];

		if ((s->flags & ELF_SEG_X) && im->entry >= s->vaddr &&
		    im->entry - s->vaddr < s->memsz)
			return;
	}
	__builtin_trap();
}

static void check_tls(const struct elf_image *im, size_t size)
{
	static const struct elf_tls zero;

	if (!im->has_tls) {
		CHECK(memcmp(&im->tls, &zero, sizeof zero) == 0);
		return;
	}
	CHECK(im->tls.align >= 1 && im->tls.align <= ELF_TLS_MAX_ALIGN);
	CHECK((im->tls.align & (im->tls.align - 1)) == 0);
	CHECK(im->tls.filesz <= im->tls.memsz && im->tls.memsz <= UMAX - UMIN);
	CHECK(im->tls.offset <= size && im->tls.filesz <= size - im->tls.offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct elf_image zero;
	struct elf_image im;
	int err = elf_parse(data, size, UMIN, UMAX, &im);

	CHECK(err <= ELF_OK && err >= ELF_ERR_DYNAMIC);
	CHECK(elf_strerror(err) != NULL);
	if (err != ELF_OK) {
		CHECK(memcmp(&im, &zero, sizeof im) == 0);
		return 0;
	}
	check_segments(&im, size);
	check_entry(&im);
	check_tls(&im, size);
	return 0;
}
