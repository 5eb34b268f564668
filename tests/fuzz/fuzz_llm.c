/*
 * fuzz_llm.c: libFuzzer harness for the llm adapter (lib/parse_llm.c,
 * with parse_json_each() of lib/parse_json.c) and its sniffer; see fuzz.h
 * for what each run checks.  Each input runs twice over: without --date,
 * as fuzz.h sets it, where OpenAI and ShareGPT files are refused, and with
 * one, so that their messages are read too.
 */
#include "fuzz.h"

static int
parse_dated(struct parser *p)
{
	p->date = INT64_C(1795132800000);	/* 2026-11-20T00:00:00Z */
	return parse_llm(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size, parse_llm, parse_llm_sniff);
	return fuzz_parse(data, size, parse_dated, NULL);
}
