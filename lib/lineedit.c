/* The line editor (lib/lineedit.h). Every edit that is not a plain append
 * at the end redraws the whole line: CR, prompt, line, erase to the end of
 * the screen line, then the cursor moved back — simple, and correct
 * whatever the terminal showed before. */
#include "lib/lineedit.h"

#include "lib/fmt.h"
#include "lib/mem.h"

#define ESC_NONE 0
#define ESC_START 1
#define ESC_CSI 2
#define ESC_SS3 3
#define ESC_PARAM_MAX 9999u /* larger parameters are kept at this (never a key we know) */

#define CTRL(c) ((c) & 0x1f)

static void out_bytes(struct lineedit *le, const char *s, uint32_t n)
{
	if (n > LE_OUT_MAX - le->out_len) {
		n = LE_OUT_MAX - le->out_len;
		le->out_truncated = true;
	}
	memcpy(le->out + le->out_len, s, n);
	le->out_len += n;
}

static void out_str(struct lineedit *le, const char *s) { out_bytes(le, s, (uint32_t)strlen(s)); }

/* Redraws prompt and line and puts the terminal's cursor at le->cursor. */
static void redraw(struct lineedit *le)
{
	out_str(le, "\r");
	out_str(le, le->prompt);
	out_bytes(le, le->line, le->len);
	out_str(le, "\x1b[K");
	if (le->cursor < le->len) {
		char mv[16];
		int n = fmt_snprintf(mv, sizeof mv, "\x1b[%uD", le->len - le->cursor);
		out_bytes(le, mv, (uint32_t)n);
	}
}

void le_init(struct lineedit *le, const char *prompt, le_complete_fn complete, void *ctx)
{
	memset(le, 0, sizeof *le);
	size_t n = strnlen(prompt, LE_PROMPT_MAX - 1);
	memcpy(le->prompt, prompt, n);
	le->prompt[n] = 0;
	le->complete = complete;
	le->complete_ctx = ctx;
}

void le_start(struct lineedit *le)
{
	le->len = le->cursor = 0;
	le->line[0] = 0;
	le->hist_pos = 0;
	le->esc = ESC_NONE;
	le->out_len = 0;
	le->out_truncated = false;
	out_str(le, le->prompt);
}

const char *le_line(const struct lineedit *le) { return le->line; }

const char *le_history_get(const struct lineedit *le, uint32_t i)
{
	if (i >= le->hist_count)
		return NULL;
	return le->hist[(le->hist_head + LE_HISTORY - 1 - i) % LE_HISTORY];
}

void le_history_add(struct lineedit *le, const char *line)
{
	size_t n = strnlen(line, LE_LINE_MAX - 1);
	const char *newest = le_history_get(le, 0);
	if (n == 0 || (newest && strlen(newest) == n && !memcmp(newest, line, n)))
		return;
	char *slot = le->hist[le->hist_head];
	memcpy(slot, line, n);
	slot[n] = 0;
	le->hist_head = (le->hist_head + 1) % LE_HISTORY;
	le->hist_count += le->hist_count < LE_HISTORY;
}

/* Replaces the whole line with s (history browsing), cursor at the end. */
static void set_line(struct lineedit *le, const char *s)
{
	size_t n = strnlen(s, LE_LINE_MAX - 1);
	memcpy(le->line, s, n);
	le->line[n] = 0;
	le->len = le->cursor = (uint32_t)n;
	redraw(le);
}

static void history_move(struct lineedit *le, bool older)
{
	if (older) {
		if (le->hist_pos >= le->hist_count)
			return;
		if (le->hist_pos == 0)
			memcpy(le->saved, le->line, le->len + 1);
		le->hist_pos++;
		set_line(le, le_history_get(le, le->hist_pos - 1));
	} else {
		if (le->hist_pos == 0)
			return;
		le->hist_pos--;
		set_line(le, le->hist_pos ? le_history_get(le, le->hist_pos - 1) : le->saved);
	}
}

/* Inserts n bytes at the cursor (as many as fit); false if none fit. */
static bool insert(struct lineedit *le, const char *s, uint32_t n)
{
	uint32_t room = LE_LINE_MAX - 1 - le->len;
	if (n > room)
		n = room;
	if (n == 0)
		return false;
	bool at_end = le->cursor == le->len;
	memmove(le->line + le->cursor + n, le->line + le->cursor, le->len - le->cursor);
	memcpy(le->line + le->cursor, s, n);
	le->len += n;
	le->cursor += n;
	le->line[le->len] = 0;
	if (at_end)
		out_bytes(le, s, n);
	else
		redraw(le);
	return true;
}

/* Deletes [from, to) of the line; the cursor goes to from. */
static void erase(struct lineedit *le, uint32_t from, uint32_t to)
{
	if (from >= to)
		return;
	memmove(le->line + from, le->line + to, le->len - to);
	le->len -= to - from;
	le->line[le->len] = 0;
	le->cursor = from;
	redraw(le);
}

static void move_to(struct lineedit *le, uint32_t pos)
{
	if (pos == le->cursor)
		return;
	le->cursor = pos;
	redraw(le);
}

/* The start of the word before the cursor (Ctrl-W): spaces, then non-spaces. */
static uint32_t word_before(const struct lineedit *le)
{
	uint32_t i = le->cursor;
	while (i > 0 && le->line[i - 1] == ' ')
		i--;
	while (i > 0 && le->line[i - 1] != ' ')
		i--;
	return i;
}

/* How many leading bytes all matching candidates share beyond the word,
 * and how many match. */
static uint32_t common_extension(const char *const *c, uint32_t n, const char *word, uint32_t wlen,
                                 uint32_t *matches, const char **first)
{
	uint32_t ext = 0;
	*matches = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!c[i] || strncmp(c[i], word, wlen) || strlen(c[i]) < wlen)
			continue;
		const char *rest = c[i] + wlen;
		if ((*matches)++ == 0) {
			*first = c[i];
			ext = (uint32_t)strlen(rest);
			continue;
		}
		uint32_t k = 0;
		while (k < ext && rest[k] && rest[k] == (*first)[wlen + k])
			k++;
		ext = k;
	}
	return ext;
}

/* Lists the matching candidates under the line, then redraws it. */
static void list_candidates(struct lineedit *le, const char *const *c, uint32_t n, const char *word, uint32_t wlen)
{
	out_str(le, "\r\n");
	for (uint32_t i = 0; i < n; i++) {
		if (!c[i] || strncmp(c[i], word, wlen))
			continue;
		if (LE_OUT_MAX - le->out_len < LE_LINE_MAX + LE_PROMPT_MAX + 64) {
			out_str(le, "...");
			break;
		}
		out_bytes(le, c[i], (uint32_t)strnlen(c[i], LE_LINE_MAX));
		out_str(le, "  ");
	}
	out_str(le, "\r\n");
	redraw(le);
}

static void complete(struct lineedit *le)
{
	if (!le->complete)
		return;
	uint32_t start = le->cursor;
	while (start > 0 && le->line[start - 1] != ' ')
		start--;
	uint32_t index = 0;
	for (uint32_t i = 0; i < start; i++)
		index += le->line[i] != ' ' && (i + 1 == start || le->line[i + 1] == ' ');
	char word[LE_LINE_MAX];
	uint32_t wlen = le->cursor - start;
	memcpy(word, le->line + start, wlen);
	word[wlen] = 0;
	const char *cand[LE_CANDIDATES_MAX] = { 0 }; /* a callback that overstates its count leaves NULLs */
	uint32_t n = le->complete(le->complete_ctx, le->line, index, word, wlen, cand, LE_CANDIDATES_MAX);
	if (n > LE_CANDIDATES_MAX)
		n = LE_CANDIDATES_MAX;
	uint32_t matches;
	const char *first = NULL;
	uint32_t ext = common_extension(cand, n, word, wlen, &matches, &first);
	if (matches == 0)
		return;
	if (ext > 0)
		insert(le, first + wlen, ext);
	if (matches == 1)
		insert(le, " ", 1);
	else if (ext == 0)
		list_candidates(le, cand, n, word, wlen);
}

/* The key an escape sequence ends with: CSI final byte with its parameter
 * (ESC [ 3 ~ is Delete), or SS3's. */
static void escape_key(struct lineedit *le, uint8_t final)
{
	uint32_t p = le->esc_param;
	if (final == 'A')
		history_move(le, true);
	else if (final == 'B')
		history_move(le, false);
	else if (final == 'C')
		move_to(le, le->cursor < le->len ? le->cursor + 1 : le->len);
	else if (final == 'D')
		move_to(le, le->cursor ? le->cursor - 1 : 0);
	else if (final == 'H' || (final == '~' && (p == 1 || p == 7)))
		move_to(le, 0);
	else if (final == 'F' || (final == '~' && (p == 4 || p == 8)))
		move_to(le, le->len);
	else if (final == '~' && p == 3)
		erase(le, le->cursor, le->cursor < le->len ? le->cursor + 1 : le->len);
}

/* One byte of an escape sequence; returns once it is consumed. */
static void escape_byte(struct lineedit *le, uint8_t b)
{
	if (le->esc == ESC_START) {
		le->esc = b == '[' ? ESC_CSI : b == 'O' ? ESC_SS3 : ESC_NONE;
		le->esc_param = 0;
		return;
	}
	if (le->esc == ESC_SS3) {
		le->esc = ESC_NONE;
		escape_key(le, b);
		return;
	}
	if (b >= '0' && b <= '9') {
		le->esc_param = le->esc_param * 10 + (b - '0');
		if (le->esc_param > ESC_PARAM_MAX)
			le->esc_param = ESC_PARAM_MAX;
		return;
	}
	if (b >= 0x20 && b < 0x40) /* ';' and other parameter bytes: keep going */
		return;
	le->esc = ESC_NONE;
	if (b >= 0x40 && b <= 0x7e)
		escape_key(le, b);
}

static enum le_event enter(struct lineedit *le)
{
	out_str(le, "\r\n");
	le_history_add(le, le->line);
	le->hist_pos = 0;
	return LE_ENTER;
}

/* A control byte (below 0x20, or DEL). */
static enum le_event control(struct lineedit *le, uint8_t b)
{
	switch (b) {
	case '\r':
	case '\n':
		return enter(le);
	case CTRL('C'):
		out_str(le, "^C\r\n");
		le->len = le->cursor = 0;
		le->line[0] = 0;
		return LE_INTERRUPT;
	case CTRL('D'):
		if (le->len == 0)
			return LE_EOF;
		erase(le, le->cursor, le->cursor < le->len ? le->cursor + 1 : le->len);
		break;
	case CTRL('A'): move_to(le, 0); break;
	case CTRL('E'): move_to(le, le->len); break;
	case CTRL('B'): move_to(le, le->cursor ? le->cursor - 1 : 0); break;
	case CTRL('F'): move_to(le, le->cursor < le->len ? le->cursor + 1 : le->len); break;
	case CTRL('U'): erase(le, 0, le->cursor); break;
	case CTRL('K'): erase(le, le->cursor, le->len); break;
	case CTRL('W'): erase(le, word_before(le), le->cursor); break;
	case CTRL('P'): history_move(le, true); break;
	case CTRL('N'): history_move(le, false); break;
	case CTRL('L'): out_str(le, "\x1b[H\x1b[2J"); redraw(le); break;
	case '\t': complete(le); break;
	case 0x1b: le->esc = ESC_START; break;
	case CTRL('H'):
	case 0x7f:
		if (le->cursor > 0)
			erase(le, le->cursor - 1, le->cursor);
		break;
	default:
		break;
	}
	return LE_NONE;
}

enum le_event le_feed(struct lineedit *le, uint8_t b)
{
	le->out_len = 0;
	le->out_truncated = false;
	bool was_cr = le->last_cr;
	le->last_cr = b == '\r';
	if (le->esc != ESC_NONE && b != 0x1b && b != CTRL('C')) {
		escape_byte(le, b);
		return LE_NONE;
	}
	le->esc = ESC_NONE;
	if (b < 0x20 || b == 0x7f)
		return b == '\n' && was_cr ? LE_NONE : control(le, b); /* CR LF is one enter */
	if (b > 0x7e)
		return LE_NONE;
	char c = (char)b;
	insert(le, &c, 1);
	return LE_NONE;
}
