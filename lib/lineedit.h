/* A line editor as pure logic: fed the bytes a terminal sends, one at a
 * time, it keeps the line being edited, produces the bytes that redraw it
 * (VT100: CR, erase-to-end, cursor-left) and reports events — a line
 * entered, Ctrl-C, Ctrl-D on an empty line. Editing: printable ASCII is
 * inserted at the cursor; ←/→, Home/End, Ctrl-A/E/B/F move; Backspace,
 * Delete, Ctrl-D delete; Ctrl-U/K/W kill to the start, to the end, the word
 * before; ↑/↓ and Ctrl-P/N walk the history; Tab completes the word under
 * the cursor from candidates a callback supplies; Ctrl-L redraws. Anything
 * else (other controls, bytes above 0x7e, unknown escape sequences) is
 * ignored. The line never exceeds LE_LINE_MAX - 1 bytes and the output of
 * one le_feed never exceeds LE_OUT_MAX bytes (the caller drains it after
 * each call). No allocation; the caller owns the struct.
 * Used by services/shell; tests in tests/unit/test_lineedit.c and
 * tests/fuzz/fuzz_lineedit.c. */
#ifndef CAPOS_LIB_LINEEDIT_H
#define CAPOS_LIB_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LE_LINE_MAX 256     /* bytes of a line, with its NUL */
#define LE_PROMPT_MAX 32    /* bytes of the prompt, with its NUL */
#define LE_HISTORY 32       /* lines kept */
#define LE_OUT_MAX 4096     /* output bytes one le_feed may produce */
#define LE_CANDIDATES_MAX 128

enum le_event {
	LE_NONE,      /* keep feeding */
	LE_ENTER,     /* a line was entered: le_line() until the next le_start */
	LE_INTERRUPT, /* Ctrl-C: the line was dropped */
	LE_EOF,       /* Ctrl-D on an empty line */
};

/* Completion candidates for the word [word, word + word_len) of line (the
 * word_index-th word, 0 for the command): up to max pointers to
 * NUL-terminated strings that must stay valid until le_feed returns.
 * Candidates not starting with the word are ignored. Returns how many. */
typedef uint32_t (*le_complete_fn)(void *ctx, const char *line, uint32_t word_index, const char *word,
                                   uint32_t word_len, const char **out, uint32_t max);

struct lineedit {
	char line[LE_LINE_MAX];
	uint32_t len, cursor;
	char prompt[LE_PROMPT_MAX];
	le_complete_fn complete;
	void *complete_ctx;
	/* history: a ring, hist_count lines, the newest at hist_head - 1 */
	char hist[LE_HISTORY][LE_LINE_MAX];
	uint32_t hist_head, hist_count;
	uint32_t hist_pos;           /* lines back from the newest while browsing; 0: not */
	char saved[LE_LINE_MAX];     /* the line being edited when browsing began */
	/* escape sequences: 0 none, 1 after ESC, 2 in CSI (ESC [), 3 after ESC O */
	uint8_t esc;
	uint32_t esc_param;
	bool last_cr;                /* a CR was the previous byte: an LF after it is not a second enter */
	char out[LE_OUT_MAX];
	uint32_t out_len;
	bool out_truncated;
};

/* Sets up an editor with no history. prompt is copied (cut to fit). */
void le_init(struct lineedit *le, const char *prompt, le_complete_fn complete, void *ctx);

/* Starts a new, empty line: the output is the prompt. */
void le_start(struct lineedit *le);

/* Feeds one byte; the output it produced is in le->out (le->out_len bytes)
 * until the next le_feed or le_start, which clear it first. */
enum le_event le_feed(struct lineedit *le, uint8_t byte);

/* The line as entered (NUL-terminated), valid after LE_ENTER. */
const char *le_line(const struct lineedit *le);

/* Adds line to the history (entered lines are added by le_feed: empty
 * ones and repeats of the newest are not). */
void le_history_add(struct lineedit *le, const char *line);

/* The history, i lines back from the newest (0: newest); NULL past it. */
const char *le_history_get(const struct lineedit *le, uint32_t i);

#endif
