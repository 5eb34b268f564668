/*
 * hexval.h: the value of an upper-case hexadecimal digit, or -1; for the
 * harnesses that decode quoted-printable and RFC 2047 text.
 */
#ifndef HEXVAL_H
#define HEXVAL_H

static inline int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
