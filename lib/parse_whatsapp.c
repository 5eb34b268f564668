/*
 * parse_whatsapp.c: the whatsapp adapter (convo-formats(5)).  Not written yet.
 */
#include "internal.h"

int
parse_whatsapp_sniff(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

int
parse_whatsapp(struct parser *p)
{
	return parse_error(p, 0, 0, "the whatsapp format is not supported yet");
}
