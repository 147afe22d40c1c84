/* The ARCSIG trailer (lib/crypto/arcsig.h). */
#include "lib/crypto/arcsig.h"

#include "lib/crypto/blake3.h"
#include "lib/mem.h"

const char *arcsig_strerror(int err)
{
	switch (err) {
	case ARCSIG_OK: return "ok";
	case ARCSIG_NO_SIGNATURE: return "no signature";
	case ARCSIG_BAD_SIGNATURE: return "bad signature";
	case ARCSIG_DIGEST_MISMATCH: return "digest mismatch";
	default: return "unknown";
	}
}

int arcsig_split(const void *data, size_t len, size_t *body_len)
{
	if (len < ARCSIG_LEN)
		return ARCSIG_NO_SIGNATURE;
	const uint8_t *t = (const uint8_t *)data + len - ARCSIG_LEN;
	if (memcmp(t, ARCSIG_MAGIC, ARCSIG_MAGIC_LEN))
		return ARCSIG_NO_SIGNATURE;
	*body_len = len - ARCSIG_LEN;
	return ARCSIG_OK;
}

int arcsig_verify(const void *data, size_t len, const uint8_t pk[ED25519_PUBLIC_KEY_LEN], size_t *body_len,
                  uint8_t digest[ARCSIG_DIGEST_LEN])
{
	size_t body;
	if (arcsig_split(data, len, &body))
		return ARCSIG_NO_SIGNATURE;
	const uint8_t *t = (const uint8_t *)data + body;
	uint8_t d[ARCSIG_DIGEST_LEN];
	blake3_hash(data, body, d, sizeof d);
	if (digest)
		memcpy(digest, d, sizeof d);
	uint32_t version = (uint32_t)t[6] | (uint32_t)t[7] << 8;
	if (version != ARCSIG_VERSION || ed25519_verify(t + 8, d, sizeof d, pk) != ED25519_OK)
		return ARCSIG_BAD_SIGNATURE;
	*body_len = body;
	return ARCSIG_OK;
}

void arcsig_sign(uint8_t trailer[ARCSIG_LEN], const void *body, size_t len, const struct ed25519_keypair *kp)
{
	uint8_t d[ARCSIG_DIGEST_LEN];
	blake3_hash(body, len, d, sizeof d);
	memcpy(trailer, ARCSIG_MAGIC, ARCSIG_MAGIC_LEN);
	trailer[6] = ARCSIG_VERSION & 0xff;
	trailer[7] = ARCSIG_VERSION >> 8;
	ed25519_sign(trailer + 8, d, sizeof d, kp);
}

void arcsig_fingerprint(const uint8_t pk[ED25519_PUBLIC_KEY_LEN], uint8_t fp[ARCSIG_FINGERPRINT_LEN])
{
	blake3_hash(pk, ED25519_PUBLIC_KEY_LEN, fp, ARCSIG_FINGERPRINT_LEN);
}
