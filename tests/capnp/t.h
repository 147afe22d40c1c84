/* A minimal harness for the capnp suite's C program: each test case is a
 * function; CHECK failures are printed as diagnostics and fail the case.
 * main.c prints one "ok - capnp/<name>" / "not ok - capnp/<name>" per case. */
#ifndef CAPNP_TEST_T_H
#define CAPNP_TEST_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/capnp/capnp.h"

struct tcase {
	const char *name;
	void (*fn)(void);
};

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(c)                                                        \
	do {                                                            \
		if (!(c))                                               \
			t_fail(__FILE__, __LINE__, "CHECK(%s)", #c);    \
	} while (0)
#define CHECK_EQ(a, b)                                                                  \
	do {                                                                            \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
		if (a_ != b_)                                                           \
			t_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, a_, b_); \
	} while (0)
#define CHECK_ERR(got, want)                                                            \
	do {                                                                            \
		int g_ = (got), w_ = (want);                                            \
		if (g_ != w_)                                                           \
			t_fail(__FILE__, __LINE__, "%s: got %s, want %s", #got,          \
			       capnp_strerror(g_), capnp_strerror(w_));                   \
	} while (0)
#define CHECK_TEXT(t, want) CHECK(t_text_eq((t), (want)))

int t_text_eq(struct capnp_text t, const char *want);
/* Reads indir/name into an exactly-sized heap buffer (NULL: fails the case). */
uint8_t *t_load(const char *name, size_t *len);
/* Writes outdir/name. */
void t_save(const char *name, const void *buf, size_t len);
/* Bits of float/double values, for comparing with float fields. */
uint32_t t_f32(float f);
uint64_t t_f64(double d);

/* Raw pointer words, for hand-built messages. */
static inline uint64_t w_struct(int32_t off, uint16_t dw, uint16_t pc)
{
	return (uint64_t)((uint32_t)off << 2) | (uint64_t)dw << 32 | (uint64_t)pc << 48;
}
static inline uint64_t w_list(int32_t off, unsigned esize, uint32_t count)
{
	return (uint64_t)((uint32_t)off << 2 | 1) | (uint64_t)esize << 32 | (uint64_t)count << 35;
}
static inline uint64_t w_far(bool dbl, uint32_t pad, uint32_t seg)
{
	return (uint64_t)pad << 3 | (uint64_t)dbl << 2 | 2 | (uint64_t)seg << 32;
}
static inline uint64_t w_cap(uint32_t index) { return (uint64_t)index << 32 | 3; }

/* Frames segments (sizes in words) into buf; returns the message length. */
size_t t_frame(uint8_t *buf, size_t cap, const uint64_t *const *segs, const uint32_t *sizes,
               uint32_t nsegs);

/* Checks every field of tests/capnp/test.capnp's allTypes constant. */
void check_all_types(struct capnp_msg *m);
/* Reads every field of a TestAll root without checking values. */
void read_all_types(struct capnp_msg *m);

extern const struct tcase interop_tests[];
extern const struct tcase build_tests[];
extern const struct tcase hostile_tests[];
extern const struct tcase iface_tests[];
extern const struct tcase client_tests[];
extern const struct tcase walk_tests[];

#endif
