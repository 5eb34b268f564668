/*
 * parse_llm.c: the llm adapter (convo-formats(5)).  Not written yet.
 */
#include "internal.h"

int
parse_llm_sniff(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

int
parse_llm(struct parser *p)
{
	return parse_error(p, 0, 0, "the llm format is not supported yet");
}
