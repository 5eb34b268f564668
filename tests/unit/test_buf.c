/*
 * test_buf.c: unit tests of lib/buf.c: appending, growth, the ceiling,
 * printf, reset and detach.
 */
#include "convo.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static void
test_add(void)
{
	struct buf b;

	buf_init(&b, 100);
	ok(b.data == NULL && b.len == 0, "a new buffer holds nothing");
	is_int(buf_add(&b, "abc", 3), 0, "add");
	is_int(buf_addc(&b, 'd'), 0, "addc");
	is_int(buf_adds(&b, "ef"), 0, "adds");
	is_int(b.len, 6, "length");
	is_str(b.data, "abcdef", "contents, NUL-terminated");
	is_int(buf_add(&b, "x\0y", 3), 0, "add with a NUL byte");
	ok(b.len == 9 && memcmp(b.data, "abcdefx\0y", 10) == 0,
	    "  kept, and terminated once more");
	buf_reset(&b);
	ok(b.len == 0 && b.data != NULL && b.data[0] == '\0',
	    "reset empties but keeps the memory");
	buf_release(&b);
	ok(b.data == NULL && b.len == 0 && b.max == 100,
	    "release frees and keeps the ceiling");

	buf_init(&b, 100);
	is_int(buf_add(&b, "", 0), 0, "adding nothing");
	is_str(b.data, "", "  still gives a string");
	buf_release(&b);
	buf_reset(&b);
	ok(b.data == NULL, "reset of an unused buffer");
}

static void
test_growth(void)
{
	struct buf b;
	size_t i, bad = 0;

	buf_init(&b, CONVO_MAX_RECORD);
	for (i = 0; i < 100000; i++)
		if (buf_addc(&b, 'a' + (int)(i % 26)) != 0)
			bad++;
	is_int(bad, 0, "100000 single bytes");
	is_int(b.len, 100000, "  all counted");
	ok(b.cap > b.len, "  with room for the NUL");
	for (i = 0; i < b.len; i++)
		if (b.data[i] != 'a' + (int)(i % 26))
			bad++;
	is_int(bad, 0, "  all kept in order");
	ok(b.data[b.len] == '\0', "  and terminated");
	buf_release(&b);
}

static void
test_ceiling(void)
{
	struct buf b;

	buf_init(&b, 10);
	is_int(buf_add(&b, "0123456789", 10), 0, "up to the ceiling");
	is_int(buf_addc(&b, 'x'), CONVO_EDATA, "one byte past it");
	is_int(buf_adds(&b, ""), 0, "nothing more is fine");
	is_str(b.data, "0123456789", "  contents unchanged");
	buf_reset(&b);
	is_int(buf_add(&b, "01234", 5), 0, "half");
	is_int(buf_add(&b, "012345", 6), CONVO_EDATA, "a block past it");
	is_int(b.len, 5, "  length unchanged");
	is_int(buf_printf(&b, "%s", "123456"), CONVO_EDATA, "printf past it");
	is_str(b.data, "01234", "  contents unchanged");
	is_int(buf_printf(&b, "%d", 12345), 0, "printf up to it");
	is_str(b.data, "0123412345", "  appended");
	is_int(buf_add(&b, "x", SIZE_MAX), CONVO_EDATA,
	    "a size that would overflow");
	buf_release(&b);

	buf_init(&b, 0);
	is_int(buf_addc(&b, 'x'), CONVO_EDATA, "a ceiling of 0");
	buf_release(&b);
}

static void
test_printf(void)
{
	struct buf b;
	char big[300];

	buf_init(&b, 1000);
	is_int(buf_printf(&b, "%d-%s", 42, "x"), 0, "printf");
	is_int(buf_printf(&b, "/%05.1f", 3.14159), 0, "printf appends");
	is_str(b.data, "42-x/003.1", "  contents");
	is_int(b.len, 10, "  length");
	is_int(buf_printf(&b, "%s", ""), 0, "an empty printf");
	is_int(b.len, 10, "  adds nothing");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(buf_printf(&b, "[%s]", big), 0, "printf that must grow");
	is_int(b.len, 10 + 301, "  length");
	ok(b.data[10] == '[' && b.data[310] == ']' && b.data[311] == '\0',
	    "  contents");
	buf_release(&b);

	buf_init(&b, 1000);
	is_int(buf_printf(&b, "%s", ""), 0, "printf into an unused buffer");
	is_str(b.data, "", "  gives a string");
	buf_release(&b);
}

static void
test_detach(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 50);
	buf_adds(&b, "hello");
	s = buf_detach(&b);
	is_str(s, "hello", "detach returns the contents");
	ok(b.data == NULL && b.len == 0 && b.cap == 0 && b.max == 50,
	    "  and leaves the buffer empty, with its ceiling");
	free(s);
	buf_adds(&b, "again");
	is_str(b.data, "again", "the buffer can be used again");
	buf_release(&b);
	s = buf_detach(&b);
	is_str(s, "", "detaching an unused buffer gives \"\"");
	free(s);
}

int
main(void)
{
	test_add();
	test_growth();
	test_ceiling();
	test_printf();
	test_detach();
	return done_testing();
}
