/* no-console: writes to stdout and stderr through WASI fd_write directly and
 * exits with the errno it got (8, EBADF, in a service without a console),
 * or 0 if both writes succeeded. */
#include <stdlib.h>
#include <wasi/api.h>

int main(void)
{
	static const char msg[] = "no-console: this line must not appear\n";
	__wasi_ciovec_t iov = { (const uint8_t *)msg, sizeof msg - 1 };
	__wasi_size_t n;
	__wasi_errno_t e1 = __wasi_fd_write(1, &iov, 1, &n);
	__wasi_errno_t e2 = __wasi_fd_write(2, &iov, 1, &n);
	exit(e1 != e2 ? 100 : e1);
}
