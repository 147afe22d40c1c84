/* The spec runner's JSON reader (see json.h): recursive descent over the
 * text wast2json writes; \uXXXX escapes become UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	const char *p, *end;
};

static struct json *parse_value(struct parser *ps, int depth);

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

static struct json *new_value(enum json_type t)
{
	struct json *j = calloc(1, sizeof *j);

	if (j)
		j->type = t;
	return j;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) { o[0] = (char)cp; return 1; }
	if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f)); return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string body after its opening quote; NULL on error. *len gets its
 * length when len is not NULL. */
static char *parse_string(struct parser *ps, size_t *len)
{
	const char *q = ps->p;
	char *out, *o;

	while (q < ps->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	out = malloc((size_t)(q - ps->p) + 1);
	o = out;
	if (!out)
		return NULL;
	while (ps->p < ps->end && *ps->p != '"') {
		char c = *ps->p++;
		unsigned cp, lo;

		if (c != '\\') { *o++ = c; continue; }
		if (ps->p >= ps->end) break;
		c = *ps->p++;
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':
			if (ps->end - ps->p < 4 || hex4(ps->p, &cp)) goto fail;
			ps->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
			    ps->p[1] == 'u' && !hex4(ps->p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				ps->p += 6;
			}
			o += put_utf8(o, cp);
			break;
		default: *o++ = c; break;
		}
	}
	if (ps->p >= ps->end)
		goto fail;
	ps->p++;
	*o = 0;
	if (len)
		*len = (size_t)(o - out);
	return out;
fail:
	free(out);
	return NULL;
}

static int add_item(struct json *j, char *key, struct json *v)
{
	struct json **items = realloc(j->items, (j->n + 1) * sizeof *items);
	char **keys;

	if (!items)
		return -1;
	j->items = items;
	if (j->type == JSON_OBJECT) {
		keys = realloc(j->keys, (j->n + 1) * sizeof *keys);
		if (!keys)
			return -1;
		j->keys = keys;
		keys[j->n] = key;
	}
	items[j->n++] = v;
	return 0;
}

static struct json *parse_container(struct parser *ps, int depth, char close)
{
	struct json *j = new_value(close == '}' ? JSON_OBJECT : JSON_ARRAY);

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(ps);
		if (close == '}') {
			if (ps->p >= ps->end || *ps->p++ != '"' || !(key = parse_string(ps, NULL)))
				goto fail;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				goto fail_key;
		}
		v = parse_value(ps, depth + 1);
		if (!v || add_item(j, key, v)) {
			json_free(v);
			goto fail_key;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
		if (ps->p < ps->end && *ps->p == close) { ps->p++; return j; }
		goto fail;
fail_key:
		free(key);
		goto fail;
	}
fail:
	json_free(j);
	return NULL;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *j;
	const char *start;

	skip_ws(ps);
	if (ps->p >= ps->end || depth > 64)
		return NULL;
	switch (*ps->p) {
	case '{': ps->p++; return parse_container(ps, depth, '}');
	case '[': ps->p++; return parse_container(ps, depth, ']');
	case '"':
		ps->p++;
		j = new_value(JSON_STRING);
		if (j && !(j->str = parse_string(ps, &j->len))) { free(j); return NULL; }
		return j;
	default: break;
	}
	start = ps->p;
	while (ps->p < ps->end && strchr("+-.0123456789eEtruefalsn", *ps->p))
		ps->p++;
	if (ps->p == start)
		return NULL;
	j = new_value(JSON_NUMBER);
	if (!j || !(j->str = strndup(start, (size_t)(ps->p - start)))) { free(j); return NULL; }
	j->len = strlen(j->str);
	if (!strcmp(j->str, "true") || !strcmp(j->str, "false")) j->type = JSON_BOOL;
	else if (!strcmp(j->str, "null")) j->type = JSON_NULL;
	return j;
}

struct json *json_parse(const char *text, size_t len)
{
	struct parser ps = { text, text + len };
	struct json *j = parse_value(&ps, 0);

	skip_ws(&ps);
	if (j && ps.p != ps.end) {
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const char *json_str(const struct json *obj, const char *key)
{
	size_t len;

	return json_strn(obj, key, &len);
}

const char *json_strn(const struct json *obj, const char *key, size_t *len)
{
	const struct json *v = json_get(obj, key);

	if (!v || (v->type != JSON_STRING && v->type != JSON_NUMBER))
		return NULL;
	*len = v->len;
	return v->str;
}
