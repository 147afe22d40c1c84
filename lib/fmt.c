/* printf-style formatting without libc (see fmt.h).
 *
 * Integer-only: there is no floating point anywhere (the kernel is built
 * without SSE). Semantics follow C99 printf for every supported conversion;
 * the two deliberate differences are %p (always 0x and 16 digits) and a NULL
 * %s ("(null)", cut by the precision like any string). */
#include "lib/fmt.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	FL_MINUS = 1 << 0,
	FL_ZERO = 1 << 1,
	FL_PLUS = 1 << 2,
	FL_SPACE = 1 << 3,
	FL_HASH = 1 << 4,
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* One parsed conversion specification. */
struct spec {
	unsigned flags;
	int width;     /* 0: none */
	int prec;      /* -1: none */
	enum length length;
	char conv;
};

struct out {
	fmt_emit_fn emit;
	void *ctx;
	int count;
};

_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "%zd and %tu use the other type");

static void put(struct out *o, char c)
{
	o->emit(o->ctx, c);
	if (o->count < INT_MAX)
		o->count++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		put(o, s[i]);
}

/* Pads a field of len characters to the width: before it (returns after
 * padding) unless left-justified, in which case call pad_right after. */
static void pad_left(struct out *o, const struct spec *s, int len)
{
	if (!(s->flags & FL_MINUS) && s->width > len)
		put_n(o, ' ', s->width - len);
}

static void pad_right(struct out *o, const struct spec *s, int len)
{
	if ((s->flags & FL_MINUS) && s->width > len)
		put_n(o, ' ', s->width - len);
}

/* Emits an integer of magnitude mag in the spec's base, with its sign (neg)
 * or the '+'/' ' flags for signed conversions, the '#' prefix, the precision
 * as minimum digits and the width. */
static void format_int(struct out *o, const struct spec *s, uintmax_t mag, bool neg)
{
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	const char *digits = s->conv == 'X' ? upper : lower;
	unsigned base = s->conv == 'o' ? 8 : (s->conv == 'x' || s->conv == 'X') ? 16 : 10;
	bool is_signed = s->conv == 'd' || s->conv == 'i';
	char buf[24], prefix[2];
	int ndig = 0, nprefix = 0, zeros, len;

	for (uintmax_t v = mag; v || (ndig == 0 && s->prec != 0); v /= base)
		buf[sizeof buf - 1 - ndig++] = digits[v % base];
	zeros = s->prec > ndig ? s->prec - ndig : 0;
	if (s->conv == 'o' && (s->flags & FL_HASH) && zeros == 0 &&
	    (ndig == 0 || buf[sizeof buf - ndig] != '0'))
		zeros = 1;
	if (is_signed && (neg || (s->flags & (FL_PLUS | FL_SPACE))))
		prefix[nprefix++] = neg ? '-' : (s->flags & FL_PLUS) ? '+' : ' ';
	if (base == 16 && (s->flags & FL_HASH) && mag) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = s->conv;
	}
	len = nprefix + zeros + ndig;
	if ((s->flags & (FL_ZERO | FL_MINUS)) == FL_ZERO && s->prec < 0 && s->width > len) {
		zeros += s->width - len;
		len = s->width;
	}
	pad_left(o, s, len);
	put_str(o, prefix, nprefix);
	put_n(o, '0', zeros);
	put_str(o, buf + sizeof buf - ndig, ndig);
	pad_right(o, s, len);
}

static void format_str(struct out *o, const struct spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	while ((s->prec < 0 || len < s->prec) && str[len] && len < INT_MAX)
		len++;
	pad_left(o, s, len);
	put_str(o, str, len);
	pad_right(o, s, len);
}

static void format_ptr(struct out *o, const struct spec *s, const void *p)
{
	uintptr_t v = (uintptr_t)p;
	int len = 18;

	pad_left(o, s, len);
	put(o, '0');
	put(o, 'x');
	for (int shift = 60; shift >= 0; shift -= 4)
		put(o, "0123456789abcdef"[(v >> shift) & 0xf]);
	pad_right(o, s, len);
}

/* Fetches a signed argument of the spec's length; returns its magnitude. */
static uintmax_t signed_arg(const struct spec *s, va_list *ap, bool *neg)
{
	intmax_t v;

	switch (s->length) {
	case LEN_HH: v = (signed char)va_arg(*ap, int); break;
	case LEN_H: v = (short)va_arg(*ap, int); break;
	case LEN_L: v = va_arg(*ap, long); break;
	case LEN_LL: v = va_arg(*ap, long long); break;
	case LEN_Z:
	case LEN_T: v = va_arg(*ap, ptrdiff_t); break;
	case LEN_J: v = va_arg(*ap, intmax_t); break;
	default: v = va_arg(*ap, int); break;
	}
	*neg = v < 0;
	return *neg ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
}

static uintmax_t unsigned_arg(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Parses a decimal field (width or precision), saturating at INT_MAX. */
static int parse_num(const char **f)
{
	int n = 0;

	while (**f >= '0' && **f <= '9') {
		int d = *(*f)++ - '0';

		n = n > (INT_MAX - d) / 10 ? INT_MAX : n * 10 + d;
	}
	return n;
}

static unsigned parse_flags(const char **f)
{
	unsigned flags = 0;

	for (;; (*f)++) {
		switch (**f) {
		case '-': flags |= FL_MINUS; break;
		case '0': flags |= FL_ZERO; break;
		case '+': flags |= FL_PLUS; break;
		case ' ': flags |= FL_SPACE; break;
		case '#': flags |= FL_HASH; break;
		default: return flags;
		}
	}
}

static enum length parse_length(const char **f)
{
	switch (**f) {
	case 'h':
		(*f)++;
		if (**f != 'h')
			return LEN_H;
		(*f)++;
		return LEN_HH;
	case 'l':
		(*f)++;
		if (**f != 'l')
			return LEN_L;
		(*f)++;
		return LEN_LL;
	case 'z': (*f)++; return LEN_Z;
	case 't': (*f)++; return LEN_T;
	case 'j': (*f)++; return LEN_J;
	default: return LEN_NONE;
	}
}

/* Parses the specification after a '%' (*f points past it), fetching '*'
 * arguments. Leaves *f past the conversion character (or at the final NUL,
 * with conv set to '\0'). */
static void parse_spec(const char **f, struct spec *s, va_list *ap)
{
	s->flags = parse_flags(f);
	s->width = 0;
	if (**f == '*') {
		int w = va_arg(*ap, int);

		(*f)++;
		if (w < 0) {
			s->flags |= FL_MINUS;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		s->width = w;
	} else {
		s->width = parse_num(f);
	}
	s->prec = -1;
	if (**f == '.') {
		(*f)++;
		if (**f == '*') {
			int p = va_arg(*ap, int);

			(*f)++;
			s->prec = p < 0 ? -1 : p;
		} else {
			s->prec = parse_num(f);
		}
	}
	s->length = parse_length(f);
	s->conv = **f;
	if (s->conv)
		(*f)++;
}

/* Performs one conversion; false if the conversion is not supported. */
static bool convert(struct out *o, const struct spec *s, va_list *ap)
{
	uintmax_t mag;
	bool neg;
	char c;

	switch (s->conv) {
	case 'd':
	case 'i':
		mag = signed_arg(s, ap, &neg);
		format_int(o, s, mag, neg);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_int(o, s, unsigned_arg(s, ap), false);
		return true;
	case 'c':
		if (s->length != LEN_NONE)
			return false;
		c = (char)va_arg(*ap, int);
		pad_left(o, s, 1);
		put(o, c);
		pad_right(o, s, 1);
		return true;
	case 's':
		if (s->length != LEN_NONE)
			return false;
		format_str(o, s, va_arg(*ap, const char *));
		return true;
	case 'p':
		if (s->length != LEN_NONE)
			return false;
		format_ptr(o, s, va_arg(*ap, const void *));
		return true;
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .emit = emit, .ctx = ctx, .count = 0 };
	struct spec s;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &s, &args);
		if (!convert(&o, &s, &args))
			put_str(&o, start, (int)(fmt - start)); /* unknown: verbatim */
	}
	va_end(args);
	return o.count;
}

/* A bounded buffer: keeps the first cap-1 characters. */
struct sbuf {
	char *buf;
	size_t cap, len;
};

static void sbuf_emit(void *ctx, char c)
{
	struct sbuf *b = ctx;

	if (b->len + 1 < b->cap)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct sbuf b = { .buf = buf, .cap = cap, .len = 0 };
	int n = fmt_vformat(sbuf_emit, &b, fmt, ap);

	if (cap)
		buf[b.len < cap ? b.len : cap - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
