/* A small JSON reader for the spec test runner: the whole document becomes a
 * tree of struct json values (malloc'd; freed with json_free). Numbers are
 * kept as their text. */
#ifndef CAPOS_TESTS_WASM_JSON_H
#define CAPOS_TESTS_WASM_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *str;            /* STRING, NUMBER: the text (strings unescaped); BOOL: "true"/"false" */
	size_t len;           /* STRING, NUMBER: bytes in str (a string may hold NUL) */
	size_t n;             /* ARRAY, OBJECT: number of items */
	struct json **items;  /* ARRAY, OBJECT: the values */
	char **keys;          /* OBJECT: the keys */
};

/* Parses text[0..len); NULL on a syntax error. */
struct json *json_parse(const char *text, size_t len);
void json_free(struct json *j);
/* The member called key of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The string (or number text) of obj's member key, or NULL. */
const char *json_str(const struct json *obj, const char *key);
/* Like json_str, with the length in *len. */
const char *json_strn(const struct json *obj, const char *key, size_t *len);

#endif
