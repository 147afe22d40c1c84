/* tls-smoke: initialized and zeroed thread-local data through %fs. */
#include "demos/demo.h"

const char demo_name[] = "tls-smoke";

static __thread uint64_t tls_initialized = 0x1122334455667788ull;
static __thread uint32_t tls_zeroed[64];
static __thread char tls_text[16] = "thread-local";

int main(void)
{
	uint64_t fs0;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(fs0));
	CHECK(fs0 != 0, "%%fs:0 holds the thread pointer (%#llx)", (unsigned long long)fs0);
	CHECK(tls_initialized == 0x1122334455667788ull, "initialized TLS word (%#llx)",
	      (unsigned long long)tls_initialized);
	uint32_t sum = 0;
	for (int i = 0; i < 64; i++)
		sum |= tls_zeroed[i];
	CHECK(sum == 0, ".tbss starts zeroed");
	CHECK(!strcmp(tls_text, "thread-local"), "initialized TLS string '%s'", tls_text);
	tls_initialized++;
	tls_zeroed[63] = 7;
	CHECK(tls_initialized == 0x1122334455667789ull && tls_zeroed[63] == 7, "TLS is writable");
	CHECK((uint64_t)(uintptr_t)&tls_initialized < fs0, "TLS lies below the thread pointer (variant II)");
	return demo_finish();
}
