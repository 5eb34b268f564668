/*
 * parse_rasa.c: the rasa adapter (convo-formats(5)).  Not written yet.
 */
#include "internal.h"

int
parse_rasa_sniff(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

int
parse_rasa(struct parser *p)
{
	return parse_error(p, 0, 0, "the rasa format is not supported yet");
}
