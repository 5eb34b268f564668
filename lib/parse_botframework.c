/*
 * parse_botframework.c: the botframework adapter (convo-formats(5)).  Not written yet.
 */
#include "internal.h"

int
parse_botframework_sniff(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

int
parse_botframework(struct parser *p)
{
	return parse_error(p, 0, 0, "the botframework format is not supported yet");
}
