/* traps: one export per way a module can fail, each run by the wasm service
 * as traps.wasm:NAME in a fresh instance. No libc. */
static volatile int zero = 0, one = 1, minus_one = -1, int_min = -2147483647 - 1, sink;

__attribute__((export_name("unreachable"))) void trap_unreachable(void)
{
	__builtin_trap();
}

__attribute__((export_name("div0"))) int trap_div0(void)
{
	return one / zero;
}

__attribute__((export_name("overflow"))) int trap_overflow(void)
{
	return int_min / minus_one;
}

/* A load far past the module's memory (at most 2 MiB in the service). */
__attribute__((export_name("oob"))) int trap_oob(void)
{
	return *(volatile int *)(0x7ffffff0u + (unsigned)zero);
}

/* Recursion through a function pointer (no tail call, no shadow stack
 * frame): ends in "call stack exhausted". */
static int deep(int n);
static int (*volatile deep_ptr)(int) = deep;
static int deep(int n)
{
	return deep_ptr(n + 1) + 1;
}

__attribute__((export_name("stack"))) int trap_stack(void)
{
	return deep(0);
}

__attribute__((export_name("spin"))) void trap_spin(void)
{
	for (;;)
		sink++;
}

/* Not a trap: grows memory a page at a time until memory.grow fails and
 * returns the pages it then has (the service's limit). */
__attribute__((export_name("grow"))) int grow(void)
{
	while (__builtin_wasm_memory_grow(0, 1) != (__SIZE_TYPE__)-1)
		;
	return (int)__builtin_wasm_memory_size(0);
}
