/*
 * fuzz_whatsapp.c: libFuzzer harness for the WhatsApp export parser
 * (lib/parse_whatsapp.c) and its sniffer; see fuzz.h for what each run
 * checks.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, parse_whatsapp, parse_whatsapp_sniff);
}
