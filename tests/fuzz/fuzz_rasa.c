/*
 * fuzz_rasa.c: libFuzzer harness for the Rasa adapter (lib/parse_rasa.c,
 * with the JSON framing of lib/parse_json.c and the CSV rows of
 * lib/parse_csv.c); see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_rasa, NULL);
}
