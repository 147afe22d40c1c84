/* 120x120 double matrix multiply, three times: float loads, multiply-add. */
#include "bench.h"

#define N 120
static double a[N][N], b[N][N], c[N][N];

BENCH_EXPORT uint64_t bench_run(void)
{
	double sum = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (double)(i * N + j) / (N * N);
			b[i][j] = (double)(j - i) / N;
		}
	for (int rep = 0; rep < 3; rep++) {
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++) {
				double s = 0;

				for (int k = 0; k < N; k++)
					s += a[i][k] * b[k][j];
				c[i][j] = s + rep;
			}
		for (int i = 0; i < N; i++)
			sum += c[i][i];
	}
	return (uint64_t)(int64_t)(sum * 1000.0);
}
