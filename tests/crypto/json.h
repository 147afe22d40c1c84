/* A small JSON reader for the crypto test suite's vector files (RFC 8259
 * values; strings keep only what the vector files need: \uXXXX escapes
 * below 0x80 and the one-character escapes). Host code, not lib/. */
#ifndef CAPOS_TESTS_CRYPTO_JSON_H
#define CAPOS_TESTS_CRYPTO_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	double number;          /* JSON_NUMBER; JSON_BOOL: 0 or 1 */
	char *string;           /* JSON_STRING (NUL-terminated, escapes decoded) */
	size_t n;               /* JSON_ARRAY, JSON_OBJECT: number of members */
	char **keys;            /* JSON_OBJECT: member names */
	struct json **items;    /* JSON_ARRAY, JSON_OBJECT: member values */
};

/* Parses the whole of text[0..len); NULL (with a message in err) when it is
 * not exactly one JSON value. Free the result with json_free. */
struct json *json_parse(const char *text, size_t len, char *err, size_t err_len);
/* Reads and parses a file; NULL when it cannot be read or parsed. */
struct json *json_parse_file(const char *path, char *err, size_t err_len);
void json_free(struct json *j);
/* The member called key of an object, or NULL (also when j is not an object). */
const struct json *json_get(const struct json *j, const char *key);
/* The string member called key, or NULL. */
const char *json_get_string(const struct json *j, const char *key);

#endif
