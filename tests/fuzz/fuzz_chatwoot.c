/*
 * fuzz_chatwoot.c: libFuzzer harness for the Chatwoot adapter
 * (lib/parse_chatwoot.c, over lib/parse_json.c and lib/json.c) and its
 * sniffer; see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_chatwoot, parse_chatwoot_sniff);
}
