/*
 * fuzz_events.c: libFuzzer harness for the event-stream parser
 * (lib/parse_events.c, lib/json.c); see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_events, NULL);
}
