/* Scalars modulo the group order L = 2^252 + 27742317777372353535851937790883648493,
 * 32 bytes little-endian (internal to lib/crypto). Everything here runs in
 * constant time: signing passes secret scalars. */
#ifndef CAPOS_LIB_CRYPTO_SC25519_H
#define CAPOS_LIB_CRYPTO_SC25519_H

#include <stdint.h>

/* out = in mod L for a 512-bit little-endian in (a SHA-512 digest). */
void sc_reduce64(uint8_t out[32], const uint8_t in[64]);
/* s = (a b + c) mod L for 256-bit a, b, c. */
void sc_muladd(uint8_t s[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32]);
/* 1 if s < L (a canonical scalar, RFC 8032 section 5.1.7), else 0. */
int sc_is_canonical(const uint8_t s[32]);

#endif
