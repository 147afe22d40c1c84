# lib/: freestanding pure logic, built twice — once for the kernel (and later
# user space), once for the host with sanitizers so it can be unit-tested and
# fuzzed. lib/ code includes no kernel header and no libc header beyond the
# freestanding ones (stdint.h, stddef.h, stdbool.h, stdarg.h, limits.h).
LIB_SRCS := $(shell find lib -name '*.c' | sort)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wvla -Wno-unused-parameter
