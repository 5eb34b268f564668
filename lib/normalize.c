/*
 * normalize.c: message text as convo-stats groups it, so that "Where is
 * my order?" and "  where is my ORDER" count as one question: the
 * normalized form, and a 64-bit key of it that the store keeps for the
 * opening question of each conversation.
 */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* hash64() one byte at a time. */
#define FNV_PRIME UINT64_C(1099511628211)

/*
 * Decodes the UTF-8 character at s (n > 0 bytes left) into *cp and
 * returns its length.  A byte that does not start a valid, shortest
 * sequence is returned alone with *cp = -1.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, long *cp)
{
	static const long least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	long c;

	*cp = -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = s[0] >= 0xf5 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 :
	    s[0] >= 0xc2 ? 2 : 0;
	if (len == 0 || len > n)
		return 1;
	c = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < least[len] || c > 0x10ffff)
		return 1;
	*cp = c;
	return len;
}

/* Writes cp as UTF-8 into out; returns the length. */
static size_t
utf8_encode(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Lower case for ASCII, Latin-1, Greek and basic Cyrillic capitals; the
 * lower-case letter always has the same UTF-8 length as the capital.
 */
static long
fold_case(long c)
{
	if ((c >= 'A' && c <= 'Z') ||
	    (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

/* ASCII white space and the Unicode spaces (no-break space included). */
static int
is_space(long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * Punctuation removed at either end: ASCII punctuation and the marks
 * that open or close sentences and quotes in the common languages.
 */
static int
is_edge_punct(long c)
{
	static const long marks[] = {
		0xa1, 0xab, 0xbb, 0xbf,			/* ¡ « » ¿ */
		0x2013, 0x2014, 0x2018, 0x2019, 0x201a,	/* – — ‘ ’ ‚ */
		0x201c, 0x201d, 0x201e, 0x2026,		/* “ ” „ … */
		0x3001, 0x3002, 0xff01, 0xff0c, 0xff1f	/* 、 。 ！ ， ？ */
	};
	size_t i;

	if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
		return 1;
	if (c < 0xa1)
		return 0;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (c == marks[i])
			return 1;
	return 0;
}

/* Appends byte b to the normalized form: out (if any), len, hash h. */
#define EMIT(b) do {							\
	if (out != NULL)						\
		out[len] = (char)(b);					\
	len++;								\
	h = (h ^ (unsigned char)(b)) * FNV_PRIME;			\
} while (0)

/*
 * The normalized form of s (n bytes): letters folded to lower case
 * (fold_case), every run of white space made one space, and white space
 * and punctuation (is_edge_punct) removed at both ends; punctuation inside
 * is kept.  Bytes that are not valid UTF-8 are kept as they are.  Writes
 * it into out unless out is NULL, sets *key to its hash64() unless key is
 * NULL, and returns its length, never more than n.  ASCII, most of what
 * it sees, takes a short way.
 */
static size_t
normalize(char *out, uint64_t *key, const unsigned char *s, size_t n)
{
	uint64_t h = HASH64_INIT, h_end = HASH64_INIT;
	size_t i, j, k, w, len = 0, end = 0;
	int space = 0, sp, punct;
	char enc[4];
	long cp;

	for (i = 0; i < n; i += k) {
		if (s[i] < 0x80) {
			cp = s[i];
			k = 1;
			sp = cp == ' ' || (cp >= '\t' && cp <= '\r');
			punct = !sp && is_edge_punct(cp);
		} else {
			k = utf8_decode(s + i, n - i, &cp);
			sp = cp >= 0 && is_space(cp);
			punct = cp >= 0 && !sp && is_edge_punct(cp);
		}
		if (sp) {
			space = len > 0;
			continue;
		}
		if (len == 0 && punct)
			continue;
		if (space)
			EMIT(' ');
		space = 0;
		if (cp < 0)
			EMIT(s[i]);
		else if (cp < 0x80)
			EMIT(cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp);
		else {
			w = utf8_encode(enc, fold_case(cp));
			for (j = 0; j < w; j++)
				EMIT(enc[j]);
		}
		if (!punct) {
			end = len;
			h_end = h;
		}
	}
	if (key != NULL)
		*key = h_end;
	return end;
}

size_t
text_normalize(char *out, const unsigned char *s, size_t n)
{
	return normalize(out, NULL, s, n);
}

uint64_t
text_key(const unsigned char *s, size_t n)
{
	uint64_t key;

	if (normalize(NULL, &key, s, n) == 0)
		return 0;
	return key == 0 ? 1 : key;
}
