/* Recursive-descent JSON reader (see json.h). */
#include "tests/crypto/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser {
	const char *s, *end;
	char *err;
	size_t err_len;
	int failed;
};

static void fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(p->err, p->err_len, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static struct json *new_value(enum json_type t)
{
	struct json *j = calloc(1, sizeof *j);

	if (!j) {
		perror("calloc");
		exit(2);
	}
	j->type = t;
	return j;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("realloc");
		exit(2);
	}
	return p;
}

static char *parse_string_raw(struct parser *p)
{
	size_t cap = 16, n = 0;
	char *out = xrealloc(NULL, cap);

	p->s++; /* opening quote */
	while (p->s < p->end && *p->s != '"') {
		char c = *p->s++;

		if ((unsigned char)c < 0x20) {
			fail(p, "control character in string");
			break;
		}
		if (c == '\\') {
			if (p->s >= p->end)
				break;
			c = *p->s++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned v;

				if (p->end - p->s < 4 || sscanf(p->s, "%4x", &v) != 1 || v >= 0x80) {
					fail(p, "unsupported \\u escape");
					v = '?';
				}
				p->s += 4;
				c = (char)v;
				break;
			}
			default:
				fail(p, "bad escape \\%c", c);
			}
		}
		if (n + 2 > cap)
			out = xrealloc(out, cap *= 2);
		out[n++] = c;
	}
	if (p->s >= p->end)
		fail(p, "unterminated string");
	else
		p->s++;
	out[n] = '\0';
	return out;
}

static struct json *parse_value(struct parser *p, int depth);

static struct json *parse_container(struct parser *p, int depth, int is_object)
{
	struct json *j = new_value(is_object ? JSON_OBJECT : JSON_ARRAY);
	char close = is_object ? '}' : ']';

	p->s++;
	skip_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return j;
	}
	while (!p->failed) {
		char *key = NULL;

		skip_ws(p);
		if (is_object) {
			if (p->s >= p->end || *p->s != '"') {
				fail(p, "expected a member name");
				break;
			}
			key = parse_string_raw(p);
			skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				fail(p, "expected ':'");
				break;
			}
			p->s++;
		}
		j->items = xrealloc(j->items, (j->n + 1) * sizeof *j->items);
		j->keys = xrealloc(j->keys, (j->n + 1) * sizeof *j->keys);
		j->keys[j->n] = key;
		j->items[j->n] = parse_value(p, depth + 1);
		j->n++;
		skip_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			break;
		}
		fail(p, "expected ',' or '%c'", close);
	}
	return j;
}

static struct json *parse_number(struct parser *p)
{
	struct json *j = new_value(JSON_NUMBER);
	char buf[64];
	size_t n = 0;
	char *end;

	while (p->s < p->end && n < sizeof buf - 1 && strchr("+-0123456789.eE", *p->s))
		buf[n++] = *p->s++;
	buf[n] = '\0';
	j->number = strtod(buf, &end);
	if (n == 0 || *end != '\0')
		fail(p, "bad number '%s'", buf);
	return j;
}

static int literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(p->end - p->s) >= n && memcmp(p->s, word, n) == 0) {
		p->s += n;
		return 1;
	}
	return 0;
}

static struct json *parse_value(struct parser *p, int depth)
{
	struct json *j;

	skip_ws(p);
	if (depth > MAX_DEPTH) {
		fail(p, "nested too deeply");
		return new_value(JSON_NULL);
	}
	if (p->s >= p->end) {
		fail(p, "unexpected end of input");
		return new_value(JSON_NULL);
	}
	switch (*p->s) {
	case '{': return parse_container(p, depth, 1);
	case '[': return parse_container(p, depth, 0);
	case '"':
		j = new_value(JSON_STRING);
		j->string = parse_string_raw(p);
		return j;
	}
	if (literal(p, "true") || literal(p, "false")) {
		j = new_value(JSON_BOOL);
		j->number = p->s[-1] == 'e' && p->s[-2] == 'u';
		return j;
	}
	if (literal(p, "null"))
		return new_value(JSON_NULL);
	return parse_number(p);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t err_len)
{
	struct parser p = {text, text + len, err, err_len, 0};
	struct json *j = parse_value(&p, 0);

	skip_ws(&p);
	if (!p.failed && p.s != p.end)
		fail(&p, "trailing bytes after the value");
	if (p.failed) {
		json_free(j);
		return NULL;
	}
	return j;
}

struct json *json_parse_file(const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	struct json *j;

	if (!f) {
		snprintf(err, err_len, "cannot open %s", path);
		return NULL;
	}
	do {
		if (len == cap)
			buf = xrealloc(buf, cap = cap ? 2 * cap : 65536);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	j = json_parse(buf, len, err, err_len);
	free(buf);
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		if (j->keys)
			free(j->keys[i]);
		json_free(j->items[i]);
	}
	free(j->keys);
	free(j->items);
	free(j->string);
	free(j);
}

const struct json *json_get(const struct json *j, const char *key)
{
	if (!j || j->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->keys[i], key) == 0)
			return j->items[i];
	return NULL;
}

const char *json_get_string(const struct json *j, const char *key)
{
	const struct json *v = json_get(j, key);

	return v && v->type == JSON_STRING ? v->string : NULL;
}
