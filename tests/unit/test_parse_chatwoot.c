/*
 * test_parse_chatwoot.c: unit tests of the Chatwoot adapter
 * (lib/parse_chatwoot.c): .transcript activities and Copilot Studio
 * conversationtranscript records, record by record.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

static void
dump(const char *name)
{
	int i, rc = run_file(name, 0);

	printf("# %s rc=%d\n", name, rc);
	for (i = 0; i < got.n_rec; i++)
		printf("%s\n", got.rec[i]);
	for (i = 0; i < got.n_diag; i++)
		printf("D %s\n", got.diag[i]);
}

int
main(int argc, char **argv)
{
	harness.parse = parse_chatwoot;
	harness.testdata = "testdata/chatwoot";
	if (argc > 1) {
		dump(argv[1]);
		return 0;
	}
	return 0;
}
