/*
 * parse_chatwoot.c: the chatwoot adapter (convo-formats(5)).  Not written yet.
 */
#include "internal.h"

int
parse_chatwoot_sniff(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

int
parse_chatwoot(struct parser *p)
{
	return parse_error(p, 0, 0, "the chatwoot format is not supported yet");
}
