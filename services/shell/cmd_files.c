/* The shell's file commands: the boot package through "bootpkg"
 * (BootPackage, read-only by nature) and the disk through "blk" (a
 * BlockDevice facet without rightWrite). */
#include "services/shell/shell.h"

#include "lib/crypto/arcsig.h"

#define CHUNK 2048u
#define CAT_MAX (64u * 1024) /* cat shows at most this much */

static capos_BootPackage pkg(void) { return RT_CAP(capos_BootPackage, "bootpkg"); }

static int file_size(const char *cmd, const char *name, uint64_t *size)
{
	if (!pkg().id)
		return sh_fail(cmd, "bootpkg", CAPOS_E_NOT_FOUND);
	int r = rt_bootpkg_size(pkg(), name, size);
	if (r < 0) {
		printf("%s: %.64s: %s\n", cmd, name, capos_strerror(r));
		return 1;
	}
	return 0;
}

/* Reads up to len bytes of name at offset into out; returns the bytes read or an error. */
static int read_at(const char *name, uint64_t offset, uint8_t *out, uint32_t len)
{
	RT_CLIENT(cl, CHUNK + 256);
	capos_BootPackage_read_Params_builder p = capos_BootPackage_read_begin(&cl);
	capos_BootPackage_read_Params_set_name(p, name, strlen(name));
	capos_BootPackage_read_Params_set_offset(p, offset);
	capos_BootPackage_read_Params_set_length(p, len);
	capos_BootPackage_read_Results res;
	int r = capos_BootPackage_read_call(pkg(), &cl, &res);
	if (r < 0)
		return r;
	struct capnp_data d = capos_BootPackage_read_Results_get_data(res);
	uint32_t n = d.len < len ? (uint32_t)d.len : len;
	memcpy(out, d.ptr, n);
	return (int)n;
}

/* The length of name's body: every package file ends in a 72-byte ARCSIG
 * signature trailer (lib/crypto/arcsig.h), which cat leaves out. */
static uint64_t body_size(const char *name, uint64_t size)
{
	uint8_t magic[ARCSIG_MAGIC_LEN];
	if (size < ARCSIG_LEN || read_at(name, size - ARCSIG_LEN, magic, sizeof magic) != (int)sizeof magic ||
	    memcmp(magic, ARCSIG_MAGIC, ARCSIG_MAGIC_LEN))
		return size;
	return size - ARCSIG_LEN;
}

int cmd_ls(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!pkg().id)
		return sh_fail("ls", "bootpkg", CAPOS_E_NOT_FOUND);
	static uint64_t buf[8192 / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	capos_BootPackage_list_Results res;
	int r = capos_BootPackage_list_call(pkg(), &cl, &res);
	if (r < 0)
		return sh_fail("ls", "list", r);
	struct capnp_list l = capos_BootPackage_list_Results_get_names(res);
	for (uint32_t i = 0; i < capnp_list_len(&l); i++) {
		struct capnp_text t = capnp_list_text(&l, i);
		char name[104];
		size_t n = t.len < sizeof name - 1 ? t.len : sizeof name - 1;
		memcpy(name, t.str, n);
		name[n] = 0;
		uint64_t size = 0;
		rt_bootpkg_size(pkg(), name, &size);
		printf("%8llu  %s\n", (unsigned long long)size, name);
	}
	return 0;
}

int cmd_stat(int argc, char **argv)
{
	if (argc != 2) {
		printf("stat: usage: stat FILE\n");
		return 2;
	}
	uint64_t size;
	if (file_size("stat", argv[1], &size))
		return 1;
	uint64_t body = body_size(argv[1], size);
	printf("%s: %llu bytes, in the boot package (read-only)%s\n", argv[1], (unsigned long long)size,
	       body < size ? ", the last 72 an ARCSIG signature" : "");
	return 0;
}

/* cat: printable bytes as they are, others as '.', so a binary file cannot
 * drive the terminal. */
int cmd_cat(int argc, char **argv)
{
	if (argc != 2) {
		printf("cat: usage: cat FILE\n");
		return 2;
	}
	uint64_t size;
	if (file_size("cat", argv[1], &size))
		return 1;
	static uint8_t chunk[CHUNK];
	static char text[CHUNK + 1];
	size = body_size(argv[1], size);
	uint64_t shown = size < CAT_MAX ? size : CAT_MAX;
	int head = shown ? read_at(argv[1], 0, chunk, shown < 512 ? (uint32_t)shown : 512) : 0;
	for (int k = 0; k < head; k++) {
		if (!chunk[k]) {
			printf("cat: %s is binary (try hexdump %s)\n", argv[1], argv[1]);
			return 1;
		}
	}
	for (uint64_t off = 0; off < shown && !sh_interrupted(0);) {
		int n = read_at(argv[1], off, chunk, shown - off < CHUNK ? (uint32_t)(shown - off) : CHUNK);
		if (n <= 0)
			return sh_fail("cat", "read", n < 0 ? n : CAPOS_E_BAD_MESSAGE);
		for (int i = 0; i < n; i++)
			text[i] = chunk[i] == '\n' || chunk[i] == '\t' || (chunk[i] >= 0x20 && chunk[i] < 0x7f) ? (char)chunk[i] : '.';
		sh_write(text, (size_t)n);
		off += (uint64_t)n;
	}
	if (size > shown)
		printf("\ncat: (%llu more bytes not shown)\n", (unsigned long long)(size - shown));
	else if (shown && chunk[(shown - 1) % CHUNK] != '\n')
		printf("\n");
	return 0;
}

static void hex_lines(const uint8_t *p, uint32_t n, uint64_t base)
{
	for (uint32_t off = 0; off < n; off += 16) {
		char line[96];
		int w = fmt_snprintf(line, sizeof line, "%08llx ", (unsigned long long)(base + off));
		for (uint32_t i = 0; i < 16; i++)
			w += off + i < n ? fmt_snprintf(line + w, sizeof line - (size_t)w, " %02x", p[off + i])
			                 : fmt_snprintf(line + w, sizeof line - (size_t)w, "   ");
		w += fmt_snprintf(line + w, sizeof line - (size_t)w, "  |");
		for (uint32_t i = 0; i < 16 && off + i < n; i++)
			line[w++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		line[w++] = '|';
		line[w] = 0;
		printf("%s\n", line);
	}
}

int cmd_hexdump(int argc, char **argv)
{
	uint64_t want = 256;
	if (argc < 2 || argc > 3 || (argc == 3 && !sh_number(argv[2], &want))) {
		printf("hexdump: usage: hexdump FILE [BYTES]\n");
		return 2;
	}
	uint64_t size;
	if (file_size("hexdump", argv[1], &size))
		return 1;
	if (want > size)
		want = size;
	static uint8_t chunk[CHUNK];
	for (uint64_t off = 0; off < want && !sh_interrupted(0);) {
		int n = read_at(argv[1], off, chunk, want - off < CHUNK ? (uint32_t)(want - off) : CHUNK);
		if (n <= 0)
			return sh_fail("hexdump", "read", n < 0 ? n : CAPOS_E_BAD_MESSAGE);
		hex_lines(chunk, (uint32_t)n, off);
		off += (uint64_t)n;
	}
	return 0;
}

int cmd_blk(int argc, char **argv)
{
	capos_BlockDevice blk = RT_CAP(capos_BlockDevice, "blk");
	uint64_t sector = 0;
	bool info = argc == 2 && !strcmp(argv[1], "info");
	if (!info && !(argc == 3 && !strcmp(argv[1], "read") && sh_number(argv[2], &sector))) {
		printf("blk: usage: blk info | blk read SECTOR\n");
		return 2;
	}
	if (!blk.id)
		return sh_fail("blk", "no block device granted", CAPOS_E_NOT_FOUND);
	static uint64_t buf[(4096 + 512) / 8];
	struct capnp_client cl;
	capnp_client_init(&cl, buf, sizeof buf);
	if (info) {
		capos_BlockDevice_info_Results res;
		int r = capos_BlockDevice_info_call(blk, &cl, &res);
		if (r < 0)
			return sh_fail("blk", "info", r);
		printf("blk: %llu blocks of %u bytes, at most %u per request, %s\n",
		       (unsigned long long)capos_BlockDevice_info_Results_get_capacity(res),
		       capos_BlockDevice_info_Results_get_blockSize(res), capos_BlockDevice_info_Results_get_maxBlocks(res),
		       capos_BlockDevice_info_Results_get_readOnly(res) ? "read-only disk" : "this facet reads only");
		return 0;
	}
	capos_BlockDevice_read_Params_builder p = capos_BlockDevice_read_begin(&cl);
	capos_BlockDevice_read_Params_set_block(p, sector);
	capos_BlockDevice_read_Params_set_count(p, 1);
	capos_BlockDevice_read_Results res;
	int r = capos_BlockDevice_read_call(blk, &cl, &res);
	if (r < 0)
		return sh_fail("blk", "read", r);
	struct capnp_data d = capos_BlockDevice_read_Results_get_data(res);
	hex_lines(d.ptr, d.len > 4096 ? 4096 : (uint32_t)d.len, sector * 512);
	return 0;
}
