/*
 * fuzz_csv.c: libFuzzer harness for the CSV parser (lib/parse_csv.c)
 * and its sniffer; see fuzz.h for what each run checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_csv, parse_csv_sniff);
}
