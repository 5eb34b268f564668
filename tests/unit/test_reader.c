/*
 * test_reader.c: unit tests of lib/reader.c and lib/hash.c: lines and
 * their numbers, line endings, the BOM, NUL bytes, invalid UTF-8, the
 * line ceiling, peeking, raw chunks, read errors, SHA-256 and FNV-1a.
 */
#include "convo.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* A reader over n bytes of s, through a temporary file. */
static struct reader *
open_bytes(FILE **fp, const char *s, size_t n)
{
	struct reader *r = NULL;

	if ((*fp = tmpfile()) == NULL || fwrite(s, 1, n, *fp) != n) {
		printf("Bail out! cannot write a temporary file\n");
		exit(1);
	}
	rewind(*fp);
	if (reader_new(&r, *fp) != 0) {
		printf("Bail out! reader_new failed\n");
		exit(1);
	}
	return r;
}

static void
close_bytes(FILE *fp, struct reader *r)
{
	reader_free(r);
	fclose(fp);
}

/* Reads the next line and checks that it is want (NULL: end of input). */
static void
next_is(struct reader *r, const char *want, const char *name)
{
	const char *line = NULL, *why = NULL;
	size_t len = 0;
	long col = 0;
	int rc;

	rc = reader_line(r, &line, &len, &why, &col);
	if (want == NULL) {
		is_int(rc, 0, name);
		return;
	}
	if (!ok(rc == 1 && len == strlen(want) && strcmp(line, want) == 0,
	    name))
		printf("#   rc %d, line '%s', why '%s'\n", rc,
		    rc == 1 ? line : "", why ? why : "");
}

/* Reads the next line and checks that it is rejected at col for why. */
static void
next_bad(struct reader *r, const char *want_why, long want_col,
    const char *name)
{
	const char *line = NULL, *why = NULL;
	size_t len = 0;
	long col = 0;

	is_int(reader_line(r, &line, &len, &why, &col), CONVO_EDATA, name);
	is_str(why, want_why, "  reason");
	is_int(col, want_col, "  column");
}

static void
test_lines(void)
{
	static const char text[] = "a\nbb\n\nccc\n";
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, text, sizeof(text) - 1);
	is_int(reader_lineno(r), 0, "no line read yet");
	next_is(r, "a", "line 1");
	is_int(reader_lineno(r), 1, "  its number");
	next_is(r, "bb", "line 2");
	next_is(r, "", "an empty line");
	next_is(r, "ccc", "line 4");
	ok(!reader_last_unterminated(r), "  ended by a newline");
	is_int(reader_lineno(r), 4, "  its number");
	next_is(r, NULL, "then the end");
	next_is(r, NULL, "and the end again");
	is_int(reader_lineno(r), 4, "the end has no number");
	is_int(reader_bytes(r), 10, "every byte consumed");
	close_bytes(fp, r);

	r = open_bytes(&fp, "", 0);
	next_is(r, NULL, "empty input has no lines");
	is_int(reader_lineno(r), 0, "  and no line number");
	close_bytes(fp, r);

	r = open_bytes(&fp, "\n", 1);
	next_is(r, "", "a lone newline is one empty line");
	next_is(r, NULL, "  and nothing more");
	close_bytes(fp, r);
}

static void
test_endings(void)
{
	static const char crlf[] = "a\r\nb\r\n\r\nc\rd\n\r\r\n";
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, crlf, sizeof(crlf) - 1);
	next_is(r, "a", "CRLF");
	next_is(r, "b", "CRLF again");
	next_is(r, "", "an empty CRLF line");
	next_is(r, "c\rd", "a CR inside a line stays");
	next_is(r, "\r", "only the last CR goes");
	next_is(r, NULL, "end");
	close_bytes(fp, r);

	r = open_bytes(&fp, "one\ntwo", 7);
	next_is(r, "one", "a line");
	ok(!reader_last_unterminated(r), "  terminated");
	next_is(r, "two", "a last line without a newline");
	ok(reader_last_unterminated(r), "  unterminated");
	is_int(reader_lineno(r), 2, "  line 2");
	next_is(r, NULL, "end");
	is_int(reader_bytes(r), 7, "every byte consumed");
	close_bytes(fp, r);

	r = open_bytes(&fp, "x\r", 2);
	next_is(r, "x", "a final CR without LF is dropped");
	ok(reader_last_unterminated(r), "  unterminated");
	close_bytes(fp, r);
}

static void
test_bom(void)
{
	static const char bom[] = "\xef\xbb\xbfhello\n\xef\xbb\xbfworld\n";
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, bom, sizeof(bom) - 1);
	next_is(r, "hello", "a BOM is stripped");
	next_is(r, "\xef\xbb\xbfworld", "only at the start of the input");
	is_int(reader_bytes(r), sizeof(bom) - 1, "  bytes count the BOM");
	close_bytes(fp, r);

	r = open_bytes(&fp, "\xef\xbb\xbf", 3);
	next_is(r, "", "a BOM alone is an empty line");
	next_is(r, NULL, "end");
	close_bytes(fp, r);

	r = open_bytes(&fp, "\xef\xbb\xbf\r\nx\n", 6);
	next_is(r, "", "a BOM and CRLF");
	next_is(r, "x", "  then the next line");
	close_bytes(fp, r);
}

static void
test_nul(void)
{
	static const char text[] = "ab\0c\nnext\n\0\n";
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, text, sizeof(text) - 1);
	next_bad(r, "NUL byte", 3, "a NUL byte");
	is_int(reader_lineno(r), 1, "  on line 1");
	next_is(r, "next", "the next line is read");
	is_int(reader_lineno(r), 2, "  as line 2");
	next_bad(r, "NUL byte", 1, "a NUL byte at the start");
	next_is(r, NULL, "end");
	close_bytes(fp, r);
}

static void
test_utf8(void)
{
	static const char text[] =
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\n"	/* valid */
	    "ab\xc0\xaf\n"		/* overlong '/' */
	    "\xe0\x80\xaf\n"		/* overlong, 3 bytes */
	    "xy\xf0\x80\x80\xaf\n"	/* overlong, 4 bytes */
	    "a\xed\xa0\x80z\n"		/* surrogate U+D800 */
	    "abc\xe2\x82\n"		/* truncated at the end of the line */
	    "\xe2\x82z\n"		/* truncated inside the line */
	    "\x80\n"			/* a lone continuation byte */
	    "ok\xf4\x90\x80\x80\n"	/* past U+10FFFF */
	    "\xf5\x80\x80\x80\n"	/* a lead byte that never occurs */
	    "\xff\n"
	    "last \xf4\x8f\xbf\xbf\n";	/* U+10FFFF itself */
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, text, sizeof(text) - 1);
	next_is(r, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", "valid UTF-8");
	next_bad(r, "invalid UTF-8", 3, "overlong, 2 bytes");
	next_bad(r, "invalid UTF-8", 1, "overlong, 3 bytes");
	next_bad(r, "invalid UTF-8", 3, "overlong, 4 bytes");
	next_bad(r, "invalid UTF-8", 2, "a surrogate");
	next_bad(r, "invalid UTF-8", 4, "truncated at the end");
	next_bad(r, "invalid UTF-8", 1, "truncated inside");
	next_bad(r, "invalid UTF-8", 1, "a lone continuation byte");
	next_bad(r, "invalid UTF-8", 3, "past U+10FFFF");
	next_bad(r, "invalid UTF-8", 1, "lead byte F5");
	next_bad(r, "invalid UTF-8", 1, "byte FF");
	next_is(r, "last \xf4\x8f\xbf\xbf", "U+10FFFF is valid");
	is_int(reader_lineno(r), 12, "  on line 12");
	close_bytes(fp, r);
}

static void
test_utf8_check(void)
{
	is_int(utf8_check("", 0), 0, "empty");
	is_int(utf8_check("plain ascii", 11), 0, "ASCII");
	is_int(utf8_check("\xc2\x80\xdf\xbf", 4), 0, "two-byte bounds");
	is_int(utf8_check("\xe0\xa0\x80\xef\xbf\xbf", 6), 0,
	    "three-byte bounds");
	is_int(utf8_check("\xed\x9f\xbf\xee\x80\x80", 6), 0,
	    "either side of the surrogates");
	is_int(utf8_check("\xf0\x90\x80\x80", 4), 0, "U+10000");
	is_int(utf8_check("\xc1\xbf", 2), 1, "overlong C1");
	is_int(utf8_check("ab\xed\xbf\xbf", 5), 3, "surrogate U+DFFF");
	is_int(utf8_check("abc\xf0\x9d\x84", 6), 4, "truncated four-byte");
	is_int(utf8_check("\xc3", 1), 1, "truncated two-byte");
	is_int(utf8_check("a\xc3(", 3), 2, "a bad continuation");
	/* len, not a NUL, ends the text. */
	is_int(utf8_check("ok\xff", 2), 0, "only len bytes are checked");

	is_int(utf8_tail("", 0), 0, "tail: empty");
	is_int(utf8_tail("abc", 3), 0, "tail: ASCII");
	is_int(utf8_tail("ab\xc3", 3), 1, "tail: a two-byte lead");
	is_int(utf8_tail("\xc3\xa9", 2), 0, "tail: a whole two-byte");
	is_int(utf8_tail("x\xe2\x82", 3), 2, "tail: two of three");
	is_int(utf8_tail("\xf0\x9d\x84", 3), 3, "tail: three of four");
	is_int(utf8_tail("\xf0\x9d\x84\x9e", 4), 0, "tail: a whole four-byte");
	is_int(utf8_tail("\xe2", 1), 1, "tail: a lead alone");
	is_int(utf8_tail("a\x80\x80\x80", 4), 0,
	    "tail: continuations without a lead");
	is_int(utf8_tail("a\xff", 2), 0, "tail: not a lead byte");
	is_int(utf8_tail("a\xc0", 2), 0, "tail: C0 never leads");
	/* What to make of the sequence once whole is utf8_check()'s job. */
	is_int(utf8_tail("\xe0\x80", 2), 2, "tail: overlong, not yet known");
}

/* A line over the ceiling is rejected, and the reader carries on. */
static void
test_long_line(void)
{
	size_t n = CONVO_MAX_RECORD + 1, i;
	char *text = malloc(2 * n + 32);
	struct reader *r;
	FILE *fp;

	if (text == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	i = 0;
	memcpy(text + i, "first\n", 6);
	i += 6;
	memset(text + i, 'x', n);
	i += n;
	text[i++] = '\n';
	memcpy(text + i, "after\n", 6);
	i += 6;
	/* Exactly at the ceiling is still fine. */
	memset(text + i, 'y', n - 1);
	i += n - 1;
	text[i++] = '\n';
	memcpy(text + i, "end", 3);
	i += 3;

	r = open_bytes(&fp, text, i);
	next_is(r, "first", "the line before");
	next_bad(r, "line longer than 8 MiB", (long)CONVO_MAX_RECORD + 1,
	    "a line over 8 MiB");
	is_int(reader_lineno(r), 2, "  is line 2");
	next_is(r, "after", "the next line is read");
	is_int(reader_lineno(r), 3, "  as line 3");
	text[6 + n + 1 + 6 + n - 1] = '\0';
	next_is(r, text + 6 + n + 1 + 6, "a line of exactly 8 MiB");
	next_is(r, "end", "the last line");
	is_int(reader_lineno(r), 5, "  as line 5");
	is_int(reader_bytes(r), i, "every byte consumed");
	close_bytes(fp, r);
	free(text);
}

static void
test_peek(void)
{
	static const char text[] = "hello\nworld\n";
	const char *head;
	size_t len;
	char *big;
	struct reader *r;
	FILE *fp;

	r = open_bytes(&fp, text, sizeof(text) - 1);
	is_int(reader_peek(r, &head, &len, 5), 0, "peek");
	ok(len == 5 && memcmp(head, "hello", 5) == 0, "  the first bytes");
	is_int(reader_bytes(r), 0, "  nothing consumed");
	is_int(reader_peek(r, &head, &len, 100), 0, "peek past the end");
	ok(len == 12 && memcmp(head, text, 12) == 0, "  everything there is");
	next_is(r, "hello", "then the first line");
	is_int(reader_lineno(r), 1, "  as line 1");
	is_int(reader_peek(r, &head, &len, 3), 0, "peek between lines");
	ok(len >= 3 && memcmp(head, "wor", 3) == 0, "  the next bytes");
	next_is(r, "world", "then the second line");
	next_is(r, NULL, "end");
	close_bytes(fp, r);

	/* A peek is capped at 64 KiB; the lines after it are whole. */
	big = malloc(200000);
	if (big == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	memset(big, 'q', 199999);
	big[199999] = '\n';
	r = open_bytes(&fp, big, 200000);
	is_int(reader_peek(r, &head, &len, 1 << 20), 0, "a big peek");
	is_int(len, 64 << 10, "  capped at 64 KiB");
	big[199999] = '\0';
	next_is(r, big, "a line across many chunks after a peek");
	close_bytes(fp, r);
	free(big);
}

/* Reads every chunk into all; returns the number of chunks. */
static int
read_all(struct reader *r, char *all, size_t *len, int *n_full)
{
	const char *p;
	size_t n;
	int n_chunks = 0;

	*len = 0;
	*n_full = 0;
	while (reader_read(r, &p, &n) == 1) {
		memcpy(all + *len, p, n);
		*len += n;
		*n_full += n == 64 << 10;
		n_chunks++;
	}
	return n_chunks;
}

static void
test_read(void)
{
	static const char odd[] = "\xef\xbb\xbf" "a\r\nb\0\xff\xc3";
	static const char three[] = "one\ntwo\nthree";
	const char *p, *line, *why;
	char *big, *all, hex[65], want[65];
	size_t n, len, i;
	struct sha256 s;
	int n_full;
	struct reader *r;
	long col;
	FILE *fp;

	r = open_bytes(&fp, odd, sizeof(odd) - 1);
	is_int(reader_read(r, &p, &n), 1, "a chunk");
	ok(n == sizeof(odd) - 1 && memcmp(p, odd, n) == 0,
	    "  the bytes as they are: BOM, CR, NUL, bad UTF-8");
	is_int(reader_bytes(r), sizeof(odd) - 1, "  consumed");
	is_int(reader_lineno(r), 0, "  no lines counted");
	is_int(reader_read(r, &p, &n), 0, "then the end");
	is_int(reader_read(r, &p, &n), 0, "  and the end again");
	close_bytes(fp, r);

	r = open_bytes(&fp, "", 0);
	is_int(reader_read(r, &p, &n), 0, "empty input has no chunk");
	close_bytes(fp, r);

	/* After lines, chunks go on after the last line; not the reverse. */
	r = open_bytes(&fp, three, sizeof(three) - 1);
	next_is(r, "one", "a line first");
	is_int(reader_read(r, &p, &n), 1, "then a chunk");
	ok(n == 9 && memcmp(p, "two\nthree", 9) == 0, "  the rest");
	is_int(reader_lineno(r), 1, "  line numbers stay");
	is_int(reader_bytes(r), sizeof(three) - 1, "  every byte consumed");
	is_int(reader_line(r, &line, &len, &why, &col), CONVO_EINTERNAL,
	    "no line after a chunk");
	close_bytes(fp, r);

	big = malloc(200000);
	all = malloc(200000);
	if (big == NULL || all == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	for (i = 0; i < 200000; i++)
		big[i] = (char)('a' + i % 26);
	r = open_bytes(&fp, big, 200000);
	is_int(reader_peek(r, &p, &n, 10), 0, "a peek");
	is_int(read_all(r, all, &len, &n_full), 4, "four chunks");
	is_int(n_full, 3, "  of 64 KiB but the last");
	ok(len == 200000 && memcmp(all, big, len) == 0,
	    "  all of the input from the start, peek or not");
	is_int(reader_bytes(r), 200000, "  consumed");
	reader_sha256_hex(r, hex);
	sha256_init(&s);
	sha256_update(&s, big, 200000);
	sha256_final_hex(&s, want);
	is_str(hex, want, "  and hashed");
	close_bytes(fp, r);
	free(all);
	free(big);
}

static void
test_read_error(void)
{
	const char *line, *why;
	struct reader *r;
	size_t len;
	long col;
	FILE *fp;

	/* Reading a stream opened for writing fails. */
	if ((fp = fopen("/dev/null", "w")) == NULL ||
	    reader_new(&r, fp) != 0) {
		printf("Bail out! cannot open /dev/null\n");
		exit(1);
	}
	is_int(reader_line(r, &line, &len, &why, &col), CONVO_EIO,
	    "a read error");
	is_int(reader_peek(r, &line, &len, 10), CONVO_EIO, "  also on peek");
	is_int(reader_read(r, &line, &len), CONVO_EIO, "  and on a chunk");
	close_bytes(fp, r);
}

/* The digest of data, with the processor's SHA instructions or not. */
static void
digest(char hex[65], const unsigned char *data, size_t n, int fast)
{
	struct sha256 s;
	size_t i, step = n % 7 + 1;

	sha256_init(&s);
	if (!fast)
		s.fast = 0;
	/* In uneven pieces, so that blocks straddle the calls. */
	for (i = 0; i < n; i += step)
		sha256_update(&s, data + i, i + step > n ? n - i : step);
	sha256_final_hex(&s, hex);
}

/*
 * Where the processor has SHA instructions, they give the portable code's
 * digests for every length around the block and padding boundaries, and
 * for the FIPS 180-4 examples.
 */
static void
test_sha256_paths(void)
{
	static unsigned char data[70000];
	char fast[65], slow[65];
	struct sha256 s;
	size_t n, i, bad = 0;

	sha256_init(&s);
	printf("# SHA instructions %s\n", s.fast ? "used" : "not available");
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	for (n = 0; n <= 300; n++) {
		digest(fast, data, n, 1);
		digest(slow, data, n, 0);
		bad += strcmp(fast, slow) != 0;
	}
	digest(fast, data, sizeof(data), 1);
	digest(slow, data, sizeof(data), 0);
	bad += strcmp(fast, slow) != 0;
	is_int((long)bad, 0, "SHA-256: both paths agree on 302 lengths");
	digest(slow, (const unsigned char *)"abc", 3, 0);
	is_str(slow, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
	    "f20015ad", "SHA-256 of \"abc\", portable");
}

static void
test_sha256(void)
{
	static const char two[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct reader *r;
	struct sha256 s;
	char hex[65], *million;
	const char *line, *why;
	FILE *fp;
	size_t i, len;
	long col;

	r = open_bytes(&fp, "abc", 3);
	reader_sha256_hex(r, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
	    "7852b855", "SHA-256 before reading: of nothing");
	next_is(r, "abc", "read");
	next_is(r, NULL, "end");
	reader_sha256_hex(r, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
	    "f20015ad", "SHA-256 of \"abc\"");
	reader_sha256_hex(r, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
	    "f20015ad", "  the same when asked again");
	close_bytes(fp, r);

	sha256_init(&s);
	sha256_update(&s, two, strlen(two));
	sha256_final_hex(&s, hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd4"
	    "19db06c1", "SHA-256 of two blocks");

	if ((million = malloc(1000000)) == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	memset(million, 'a', 1000000);
	sha256_init(&s);
	for (i = 0; i < 1000000; i += 999)
		sha256_update(&s, million + i, i + 999 > 1000000 ?
		    1000000 - i : 999);
	sha256_final_hex(&s, hex);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39cc"
	    "c7112cd0", "SHA-256 of a million 'a', in odd pieces");
	/* The reader hashes across its 64 KiB chunks. */
	r = open_bytes(&fp, million, 1000000);
	while (reader_line(r, &line, &len, &why, &col) == 1)
		continue;
	reader_sha256_hex(r, hex);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39cc"
	    "c7112cd0", "  and through the reader");
	close_bytes(fp, r);
	free(million);
}

static void
test_hash64(void)
{
	is_int(hash64(HASH64_INIT, "", 0), (int64_t)HASH64_INIT,
	    "FNV-1a of nothing");
	is_int(hash64(HASH64_INIT, "a", 1),
	    (int64_t)UINT64_C(0xaf63dc4c8601ec8c), "FNV-1a of \"a\"");
	is_int(hash64(hash64(HASH64_INIT, "fo", 2), "obar", 4),
	    (int64_t)hash64(HASH64_INIT, "foobar", 6),
	    "FNV-1a can be fed in pieces");
	is_int(hash64(HASH64_INIT, "foobar", 6),
	    (int64_t)UINT64_C(0x85944171f73967e8), "FNV-1a of \"foobar\"");
}

int
main(void)
{
	test_lines();
	test_endings();
	test_bom();
	test_nul();
	test_utf8();
	test_utf8_check();
	test_long_line();
	test_peek();
	test_read();
	test_read_error();
	test_sha256();
	test_sha256_paths();
	test_hash64();
	return done_testing();
}
