/*
 * test_normalize.c: unit tests of lib/normalize.c: the normalized form
 * of message texts (case, white space, punctuation at the ends, bytes
 * that are not UTF-8), and the key the store keeps of it
 * (conversation.opening_key), whose value a reimplementation must match.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* The normalized form of s, NUL-terminated, in a static buffer. */
static const char *
norm(const char *s)
{
	static char out[256];
	size_t n = text_normalize(out, (const unsigned char *)s, strlen(s));

	out[n] = '\0';
	return out;
}

static uint64_t
key(const char *s)
{
	return text_key((const unsigned char *)s, strlen(s));
}

static void
test_forms(void)
{
	is_str(norm("  Where is my ORDER?! "), "where is my order",
	    "case, spaces and punctuation at the ends");
	is_str(norm("Hello,   world!!"), "hello, world",
	    "  punctuation inside is kept, a run of spaces is one");
	is_str(norm("\xc2\xbf" "D\xc3\x93NDE est\xc3\xa1 mi pedido?"),
	    "d\xc3\xb3nde est\xc3\xa1 mi pedido",
	    "Latin-1 capitals and \xc2\xbf");
	is_str(norm("\xc2\xab" "Hallo" "\xc2\xbb"), "hallo", "guillemets");
	is_str(norm("\xce\x91\xce\x92\xce\x93 \xd0\x80\xd0\xaf"),
	    "\xce\xb1\xce\xb2\xce\xb3 \xd1\x90\xd1\x8f", "Greek and Cyrillic");
	is_str(norm("a\xc2\xa0\xc2\xa0" "b"), "a b", "no-break spaces");
	is_str(norm("wait\xe2\x80\xa6"), "wait", "an ellipsis at the end");
	is_str(norm("a\xff" " b"), "a\xff b",
	    "a byte that is not UTF-8 is kept");
	is_str(norm("\xe3\x80\x80\xef\xbc\x9f"), "",
	    "ideographic space and question mark: nothing left");
	is_str(norm(" \t\n"), "", "white space alone: nothing");
}

static void
test_keys(void)
{
	char buf[64];
	size_t n;

	/* FNV-1a 64 of "hello there"; SQLite holds -2014500702217325799 */
	ok(key("hello there") == UINT64_C(16432243371492225817),
	    "the key is FNV-1a 64 of the normalized form");
	ok(key("  HELLO   there?!") == key("hello there"),
	    "  texts that normalize alike share it");
	ok(key("hello there!") == key("Hello there"),
	    "  punctuation at the end");
	ok(key("hello, there") != key("hello there"), "  others do not");
	is_int(key(""), 0, "an empty text: 0 (stored as NULL)");
	is_int(key(" ?! "), 0, "  and one that normalizes to nothing");
	n = text_normalize(buf, (const unsigned char *)"\xc2\xbfQu\xc3\xa9?",
	    strlen("\xc2\xbfQu\xc3\xa9?"));
	ok(n == 4 && key("\xc2\xbfQu\xc3\xa9?") ==
	    hash64(HASH64_INIT, buf, n),
	    "  the same as hash64() of text_normalize()'s output");
}

int
main(void)
{
	test_forms();
	test_keys();
	return done_testing();
}
