/* Ed25519 verification against libsodium 1.0.18's
 * crypto_sign_verify_detached. The input gives a seed, a message and XOR
 * masks; the message is signed with the seed (capOS and libsodium must
 * produce the same key and signature), then the signature and/or public
 * key are corrupted with the masks, and both verifiers must reach the same
 * verdict (an unmasked signature: both accept).
 *
 * Excluded from the comparison, because libsodium 1.0.18 rejects them by
 * policy while RFC 8032 (and capOS) decide by the equation: cases where R
 * or A, with the sign bit cleared, decodes to a point of small order (one
 * of the 8 torsion points; libsodium blacklists their encodings, ignoring
 * the sign bit). Non-canonical encodings (y >= p) need no exclusion: both
 * reject them (capOS by name, libsodium's canonicity check for A and its
 * byte comparison of R). The excluded cases still run through capOS's
 * verifier under the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "lib/crypto/ed25519.h"
#include "lib/crypto/ge25519.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define HDR (1 + 32 + 64 + 32)

/* Whether s (sign bit ignored) encodes a point P with [8]P = 0. */
static int small_order(const uint8_t s[32])
{
	static const uint8_t eight[32] = {8};
	uint8_t t[32];
	ge_p3 P, Q, O;

	memcpy(t, s, 32);
	t[31] &= 0x7f;
	if (ge_frombytes(&P, t) != GE_OK)
		return 0;
	ge_scalarmult_vartime(&Q, eight, &P);
	ge_p3_0(&O);
	return ge_p3_equal(&Q, &O);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct ed25519_keypair kp;
	uint8_t pk[32], sk[64], sig[64], ssig[64];
	const uint8_t *msg = data + HDR;
	size_t len = size - HDR;
	int ours, theirs;

	if (!ready) {
		CHECK(sodium_init() >= 0);
		ready = 1;
	}
	if (size < HDR)
		return 0;
	ed25519_keypair_from_seed(&kp, data + 1);
	crypto_sign_seed_keypair(pk, sk, data + 1);
	CHECK(memcmp(pk, kp.pk, 32) == 0);
	ed25519_sign(sig, msg, len, &kp);
	crypto_sign_detached(ssig, NULL, msg, len, sk);
	CHECK(memcmp(sig, ssig, 64) == 0);

	if (data[0] & 1)
		for (int i = 0; i < 64; i++)
			sig[i] ^= data[33 + i];
	if (data[0] & 2)
		for (int i = 0; i < 32; i++)
			pk[i] ^= data[97 + i];
	ours = ed25519_verify(sig, msg, len, pk) == ED25519_OK;
	if (small_order(sig) || small_order(pk))
		return 0;
	theirs = crypto_sign_verify_detached(sig, msg, len, pk) == 0;
	CHECK(ours == theirs);
	if (!(data[0] & 3))
		CHECK(ours);
	return 0;
}
