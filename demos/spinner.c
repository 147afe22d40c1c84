/* spinner: burns CPU forever without a system call (for ring-fairness). */
int main(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
