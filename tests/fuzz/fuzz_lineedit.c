/* lib/lineedit on random bytes: no crash (ASan, UBSan), the line always
 * NUL-terminated within LE_LINE_MAX, the cursor inside it, one byte's
 * output within LE_OUT_MAX; a completion callback offering long words. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/lineedit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static char longword[LE_LINE_MAX * 2];

static uint32_t completer(void *ctx, const char *line, uint32_t word_index, const char *word, uint32_t word_len,
                          const char **out, uint32_t max)
{
	(void)ctx, (void)line, (void)word, (void)word_len;
	static const char *const words[] = { "help", "hexdump", "h", "", "ls", "log" };
	uint32_t n = 0;
	for (uint32_t i = 0; i < sizeof words / sizeof words[0] && n < max; i++)
		out[n++] = words[i];
	if (word_index % 2 && n < max)
		out[n++] = longword;
	return n + 1000; /* more than max: the editor must not trust the count */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;
	memset(longword, 'w', sizeof longword - 1);
	le_init(&le, "capos> ", completer, NULL);
	le_start(&le);
	for (size_t i = 0; i < size; i++) {
		enum le_event e = le_feed(&le, data[i]);
		CHECK(le.out_len <= LE_OUT_MAX);
		CHECK(le.len < LE_LINE_MAX && le.cursor <= le.len && le.line[le.len] == 0);
		CHECK(strlen(le.line) == le.len);
		if (e != LE_NONE)
			le_start(&le);
	}
	return 0;
}
