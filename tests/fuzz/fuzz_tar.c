/* The USTAR reader on arbitrary bytes: tar_validate, a tar_next walk and
 * tar_find. Traps when an entry breaks what the reader promises (data inside
 * the input right after its header, a non-empty relative name without ".."
 * components that fits its buffer, type '0' or '5', the offset advancing by
 * whole blocks and never moving on an error), when the walk and
 * tar_validate disagree, or when tar_find misses the first regular file the
 * walk saw or returns something else.
 *
 * Seeds: archives made by GNU tar (--format=ustar and --format=gnu, -b1). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static bool has_dotdot(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	       strstr(name, "/../") != NULL || (n >= 3 && strcmp(name + n - 3, "/..") == 0);
}

static void check_entry(const struct tar_entry *e, const uint8_t *data, size_t size,
                        size_t prev, size_t off)
{
	size_t n = strnlen(e->name, TAR_NAME_MAX);

	CHECK(off > prev && off <= size && (off - prev) % TAR_BLOCK == 0);
	CHECK(e->data == data + prev + TAR_BLOCK);
	CHECK(e->size <= off - prev - TAR_BLOCK);
	CHECK(e->type == '0' || e->type == '5');
	CHECK(n > 0 && n < TAR_NAME_MAX);
	CHECK(e->name[0] != '/' && !has_dotdot(e->name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tar_entry e, first_file, found;
	size_t off = 0, prev;
	uint32_t n = 0, count = 0;
	bool have_file = false;
	int err, verr;

	for (;;) {
		prev = off;
		err = tar_next(data, size, &off, &e);
		if (err != TAR_OK)
			break;
		check_entry(&e, data, size, prev, off);
		if (e.type == '0' && !have_file) {
			first_file = e;
			have_file = true;
		}
		n++;
	}
	CHECK(off == prev && err < TAR_OK && err >= TAR_ERR_UNSUPPORTED);
	CHECK(tar_strerror(err) != NULL);

	verr = tar_validate(data, size, &count);
	CHECK(err == TAR_ERR_NOT_FOUND ? verr == TAR_OK && count == n : verr == err);

	if (have_file) {
		CHECK(tar_find(data, size, first_file.name, &found) == TAR_OK);
		CHECK(found.data == first_file.data && found.size == first_file.size);
		CHECK(strcmp(found.name, first_file.name) == 0 && found.type == '0');
	}
	err = tar_find(data, size, "manifest.bin", &found);
	CHECK(err != TAR_OK || (strcmp(found.name, "manifest.bin") == 0 && found.type == '0'));
	if (verr == TAR_OK && !have_file)
		CHECK(err == TAR_ERR_NOT_FOUND);
	return 0;
}
