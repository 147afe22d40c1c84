/* wasi-hello: an ordinary C program for WASI (wasi-libc): prints, reads its
 * arguments, computes, exits with status 3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	printf("wasi-hello: hello from a wasi-libc program, %d arguments\n", argc);
	for (int i = 0; i < argc; i++)
		printf("wasi-hello: argv[%d] = %s\n", i, argv[i]);
	char *buf = malloc(100000);
	unsigned sum = 0;
	for (int i = 0; i < 100000; i++)
		buf[i] = (char)i, sum = sum * 31 + (unsigned char)buf[i];
	free(buf);
	printf("wasi-hello: malloc'd 100000 bytes, checksum %08x, 3.5 * 2 = %.1f, env %s\n", sum, 3.5 * 2,
	       getenv("HOME") ? "has HOME" : "empty");
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("wasi-hello: the monotonic clock %s\n",
	       b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec) ? "advances" : "WENT BACK");
	fprintf(stderr, "wasi-hello: to stderr, exiting with 3\n");
	exit(3);
}
