/* Shared by the wasm benchmark programs: each defines
 *   uint64_t bench_run(void)
 * returning a checksum, built three ways: for wasm32 (exported as "run",
 * no libc), and natively with native.c calling it. */
#ifndef CAPOS_BENCH_WASM_BENCH_H
#define CAPOS_BENCH_WASM_BENCH_H

#include <stdint.h>

#ifdef __wasm__
#define BENCH_EXPORT __attribute__((export_name("run")))
#else
#define BENCH_EXPORT
#endif

uint64_t bench_run(void);

#endif
