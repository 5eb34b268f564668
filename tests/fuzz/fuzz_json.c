/*
 * fuzz_json.c: libFuzzer harness for the conversation-document parser (lib/parse_json.c, lib/json.c)
 * and its sniffer; see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_json, parse_json_sniff);
}
