/* Float helpers for the interpreter, without libm: bit casts, the rounding
 * operators, min/max with Wasm's NaN and signed-zero rules, sqrt (one SSE
 * instruction). A NaN operand gives a NaN built by x86 arithmetic on that
 * operand, which keeps the payload and sets the quiet bit: an arithmetic NaN,
 * canonical when the input was. */
#ifndef CAPOS_LIB_WASM_FLOAT_H
#define CAPOS_LIB_WASM_FLOAT_H

#include <stdint.h>

static inline float f32_of(uint32_t u)
{
	union { uint32_t u; float f; } c = { .u = u };
	return c.f;
}

static inline uint32_t bits_f32(float f)
{
	union { float f; uint32_t u; } c = { .f = f };
	return c.u;
}

static inline double f64_of(uint64_t u)
{
	union { uint64_t u; double f; } c = { .u = u };
	return c.f;
}

static inline uint64_t bits_f64(double f)
{
	union { double f; uint64_t u; } c = { .f = f };
	return c.u;
}

static inline float f32_copysign(float x, float s)
{
	return f32_of((bits_f32(x) & 0x7fffffffu) | (bits_f32(s) & 0x80000000u));
}

static inline double f64_copysign(double x, double s)
{
	return f64_of((bits_f64(x) & ~(1ull << 63)) | (bits_f64(s) & (1ull << 63)));
}

/* |x| >= 2^23 (integral), infinite or NaN: returns true and *r (NaN quieted). */
static inline int f32_integral(float x, float *r)
{
	uint32_t e = (bits_f32(x) >> 23) & 0xff;

	if (e == 0xff) {
		*r = x + x;
		return 1;
	}
	if (e >= 127 + 23) {
		*r = x;
		return 1;
	}
	return 0;
}

static inline int f64_integral(double x, double *r)
{
	uint64_t e = (bits_f64(x) >> 52) & 0x7ff;

	if (e == 0x7ff) {
		*r = x + x;
		return 1;
	}
	if (e >= 1023 + 52) {
		*r = x;
		return 1;
	}
	return 0;
}

static inline float f32_trunc(float x)
{
	float r;

	if (f32_integral(x, &r))
		return r;
	return f32_copysign((float)(int32_t)x, x);
}

static inline float f32_floor(float x)
{
	float r;

	if (f32_integral(x, &r))
		return r;
	r = (float)(int32_t)x;
	if (r > x)
		r -= 1.0f;
	return f32_copysign(r, x);
}

static inline float f32_ceil(float x)
{
	float r;

	if (f32_integral(x, &r))
		return r;
	r = (float)(int32_t)x;
	if (r < x)
		r += 1.0f;
	return f32_copysign(r, x);
}

/* Round half to even: adding and subtracting 2^23 rounds in the FPU's
 * default mode (nearest even) for |x| < 2^23. */
static inline float f32_nearest(float x)
{
	volatile float big = 8388608.0f;
	float r, a;

	if (f32_integral(x, &r))
		return r;
	a = f32_of(bits_f32(x) & 0x7fffffffu);
	r = (a + big) - big;
	return f32_copysign(r, x);
}

static inline double f64_trunc(double x)
{
	double r;

	if (f64_integral(x, &r))
		return r;
	return f64_copysign((double)(int64_t)x, x);
}

static inline double f64_floor(double x)
{
	double r;

	if (f64_integral(x, &r))
		return r;
	r = (double)(int64_t)x;
	if (r > x)
		r -= 1.0;
	return f64_copysign(r, x);
}

static inline double f64_ceil(double x)
{
	double r;

	if (f64_integral(x, &r))
		return r;
	r = (double)(int64_t)x;
	if (r < x)
		r += 1.0;
	return f64_copysign(r, x);
}

static inline double f64_nearest(double x)
{
	volatile double big = 4503599627370496.0;
	double r, a;

	if (f64_integral(x, &r))
		return r;
	a = f64_of(bits_f64(x) & ~(1ull << 63));
	r = (a + big) - big;
	return f64_copysign(r, x);
}

/* min/max: a NaN operand wins; -0 is below +0. */
static inline float f32_min(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f32_of(bits_f32(a) | bits_f32(b));
	return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f32_of(bits_f32(a) & bits_f32(b));
	return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_of(bits_f64(a) | bits_f64(b));
	return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_of(bits_f64(a) & bits_f64(b));
	return a > b ? a : b;
}

static inline float f32_sqrt(float x)
{
#if defined(__x86_64__)
	__asm__("sqrtss %1, %0" : "=x"(x) : "x"(x));
	return x;
#else
	return __builtin_sqrtf(x);
#endif
}

static inline double f64_sqrt(double x)
{
#if defined(__x86_64__)
	__asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
	return x;
#else
	return __builtin_sqrt(x);
#endif
}

static inline uint32_t popcnt32(uint32_t x)
{
	x = x - ((x >> 1) & 0x55555555u);
	x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0fu;
	return (x * 0x01010101u) >> 24;
}

static inline uint64_t popcnt64(uint64_t x)
{
	return popcnt32((uint32_t)x) + popcnt32((uint32_t)(x >> 32));
}

#endif
