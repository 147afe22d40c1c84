/* lib/lineedit: editing keys, escape sequences, history, completion, and
 * the bounds (line length, output size) under hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/lineedit.h"

static struct lineedit le;

/* Feeds s; returns the last event that was not LE_NONE (LE_NONE if none). */
static enum le_event feed(const char *s)
{
	enum le_event last = LE_NONE;
	for (; *s; s++) {
		enum le_event e = le_feed(&le, (uint8_t)*s);
		assert_true(le.out_len <= LE_OUT_MAX);
		if (e != LE_NONE)
			last = e;
	}
	return last;
}

static void start(void)
{
	le_init(&le, "$ ", NULL, NULL);
	le_start(&le);
}

static void test_prompt_and_enter(void **state)
{
	(void)state;
	start();
	assert_int_equal(le.out_len, 2);
	assert_memory_equal(le.out, "$ ", 2);
	assert_int_equal(feed("help"), LE_NONE);
	assert_int_equal(feed("\r"), LE_ENTER);
	assert_string_equal(le_line(&le), "help");
	assert_memory_equal(le.out, "\r\n", 2);
	/* CR LF is one enter; a lone LF is one too */
	le_start(&le);
	le_feed(&le, 'x');
	assert_int_equal(le_feed(&le, '\n'), LE_ENTER);
	le_start(&le);
	assert_int_equal(le_feed(&le, '\r'), LE_ENTER);
	assert_int_equal(le_feed(&le, '\n'), LE_NONE);
}

static void test_cursor_editing(void **state)
{
	(void)state;
	start();
	feed("helo");
	feed("\x1b[D"); /* left */
	feed("l");
	assert_int_equal(feed("\r"), LE_ENTER);
	assert_string_equal(le_line(&le), "hello");
	le_start(&le);
	feed("world");
	feed("\x01"); /* Ctrl-A */
	feed("hello ");
	feed("\x05!"); /* Ctrl-E */
	feed("\r");
	assert_string_equal(le_line(&le), "hello world!");
	le_start(&le);
	feed("abc\x1b[H\x1b[3~\x1bOF\x7f"); /* Home, Delete, End (SS3), Backspace */
	feed("\r");
	assert_string_equal(le_line(&le), "b");
	le_start(&le);
	feed("abc\x1b[1~x\x1b[4~y\r"); /* Home and End as CSI 1~ / 4~ */
	assert_string_equal(le_line(&le), "xabcy");
}

static void test_kills(void **state)
{
	(void)state;
	start();
	feed("cat some file\x17\r"); /* Ctrl-W */
	assert_string_equal(le_line(&le), "cat some ");
	le_start(&le);
	feed("cat some file\x17\x17\r");
	assert_string_equal(le_line(&le), "cat ");
	le_start(&le);
	feed("garbage\x15ls\r"); /* Ctrl-U */
	assert_string_equal(le_line(&le), "ls");
	le_start(&le);
	feed("ls -l\x1b[D\x1b[D\x0b\r"); /* Ctrl-K */
	assert_string_equal(le_line(&le), "ls ");
}

static void test_interrupt_and_eof(void **state)
{
	(void)state;
	start();
	assert_int_equal(feed("half a line\x03"), LE_INTERRUPT);
	assert_string_equal(le_line(&le), "");
	le_start(&le);
	assert_int_equal(feed("\x04"), LE_EOF);
	le_start(&le);
	assert_int_equal(feed("ab\x01\x04\r"), LE_ENTER); /* Ctrl-D deletes when the line is not empty */
	assert_string_equal(le_line(&le), "b");
	/* Ctrl-C in the middle of an escape sequence still interrupts */
	le_start(&le);
	assert_int_equal(feed("x\x1b[\x03"), LE_INTERRUPT);
}

static void test_history(void **state)
{
	(void)state;
	start();
	feed("one\r");
	le_start(&le);
	feed("two\r");
	le_start(&le);
	feed("two\r"); /* a repeat of the newest is not kept twice */
	le_start(&le);
	feed("\r"); /* nor an empty line */
	assert_string_equal(le_history_get(&le, 0), "two");
	assert_string_equal(le_history_get(&le, 1), "one");
	assert_null(le_history_get(&le, 2));
	le_start(&le);
	feed("draft");
	feed("\x1b[A\x1b[A\x1b[A"); /* up past the oldest stays there */
	feed("\r");
	assert_string_equal(le_line(&le), "one");
	le_start(&le);
	feed("draft\x1b[A\x1b[B\r"); /* down past the newest restores the draft */
	assert_string_equal(le_line(&le), "draft");
	le_start(&le);
	feed("\x10\r"); /* Ctrl-P */
	assert_string_equal(le_line(&le), "draft");
}

static void test_history_ring(void **state)
{
	(void)state;
	start();
	char line[16];
	for (int i = 0; i < LE_HISTORY + 5; i++) {
		snprintf(line, sizeof line, "cmd%d\r", i);
		le_start(&le);
		feed(line);
	}
	assert_string_equal(le_history_get(&le, 0), "cmd36");
	assert_string_equal(le_history_get(&le, LE_HISTORY - 1), "cmd5");
	assert_null(le_history_get(&le, LE_HISTORY));
}

static const char *const words[] = { "help", "halt", "hexdump", "ls", "log", "hello.wasm", "hello" };

static uint32_t completer(void *ctx, const char *line, uint32_t word_index, const char *word, uint32_t word_len,
                          const char **out, uint32_t max)
{
	(void)line, (void)word, (void)word_len;
	uint32_t *seen = ctx;
	*seen = word_index;
	uint32_t n = 0;
	for (uint32_t i = 0; i < sizeof words / sizeof words[0] && n < max; i++)
		out[n++] = words[i];
	return n;
}

static void test_completion(void **state)
{
	(void)state;
	uint32_t index = 99;
	le_init(&le, "> ", completer, &index);
	le_start(&le);
	feed("he\t"); /* help, hexdump, hello.wasm, hello: no common extension, listed */
	assert_int_equal(index, 0);
	assert_non_null(strstr(le.out, "hexdump"));
	assert_non_null(strstr(le.out, "help"));
	assert_null(strstr(le.out, "halt"));
	feed("x\t");
	assert_int_equal(feed("\r"), LE_ENTER);
	assert_string_equal(le_line(&le), "hexdump ");
	le_start(&le);
	feed("cat hello.\t");
	assert_int_equal(index, 1);
	feed("\r");
	assert_string_equal(le_line(&le), "cat hello.wasm ");
	le_start(&le);
	feed("cat hell\t\r"); /* common prefix "hello" extended, not finished */
	assert_string_equal(le_line(&le), "cat hello");
	le_start(&le);
	feed("zz\t\r"); /* nothing matches: unchanged */
	assert_string_equal(le_line(&le), "zz");
}

static void test_bounds(void **state)
{
	(void)state;
	start();
	for (int i = 0; i < 3 * LE_LINE_MAX; i++)
		le_feed(&le, 'a');
	assert_int_equal(le.len, LE_LINE_MAX - 1);
	feed("\x1b[H");
	for (int i = 0; i < 10; i++)
		le_feed(&le, 'b'); /* inserting into a full line changes nothing */
	feed("\r");
	assert_int_equal(strlen(le_line(&le)), LE_LINE_MAX - 1);
	assert_int_equal(le_line(&le)[0], 'a');
	/* non-ASCII and stray controls are ignored; a long CSI parameter is bounded */
	le_start(&le);
	feed("\x80\xff\x07x\x1b[99999999999999999999Cy\x1b[;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;~z\r");
	assert_string_equal(le_line(&le), "xyz");
}

static void test_redraw_output(void **state)
{
	(void)state;
	start();
	feed("abc");
	le_feed(&le, 0x1b), le_feed(&le, '['), le_feed(&le, 'D');
	/* a redraw: CR, prompt, line, erase, one left */
	const char want[] = "\r$ abc\x1b[K\x1b[1D";
	assert_int_equal(le.out_len, sizeof want - 1);
	assert_memory_equal(le.out, want, sizeof want - 1);
	le_feed(&le, '\x7f');
	const char want2[] = "\r$ ac\x1b[K\x1b[1D";
	assert_memory_equal(le.out, want2, sizeof want2 - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prompt_and_enter), cmocka_unit_test(test_cursor_editing),
		cmocka_unit_test(test_kills),            cmocka_unit_test(test_interrupt_and_eof),
		cmocka_unit_test(test_history),          cmocka_unit_test(test_history_ring),
		cmocka_unit_test(test_completion),       cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_redraw_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
