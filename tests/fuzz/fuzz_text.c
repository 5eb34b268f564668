/*
 * fuzz_text.c: libFuzzer harness for the transcript parser (lib/parse_text.c)
 * and its sniffer; see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_text, parse_text_sniff);
}
