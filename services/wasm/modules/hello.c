/* hello: the seeds' demo on the `capos` import module, no libc. Built for
 * wasm32 with no entry point; the wasm service calls its export _start. */
__attribute__((import_module("capos"), import_name("add"))) int add(int a, int b);
__attribute__((import_module("capos"), import_name("host_print"))) void host_print(const char *p, int len);

static int put_str(char *out, const char *s)
{
	int n = 0;
	while (s[n])
		out[n] = s[n], n++;
	return n;
}

static int put_int(char *out, int v)
{
	char tmp[12];
	int n = 0, len = 0;
	if (v < 0)
		out[len++] = '-', v = -v;
	do
		tmp[n++] = (char)('0' + v % 10), v /= 10;
	while (v);
	while (n)
		out[len++] = tmp[--n];
	return len;
}

__attribute__((export_name("_start"))) void start(void)
{
	char line[64];
	int n = put_str(line, "wasm-hello: add(10, 32) = ");
	n += put_int(line + n, add(10, 32));
	line[n++] = '\n';
	host_print(line, n);
	static const char msg[] = "wasm-hello: Hello from WebAssembly, printed through the console capability\n";
	host_print(msg, sizeof msg - 1);
}
