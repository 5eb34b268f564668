/*
 * test_detect.c: format detection over every fixture in testdata: each
 * file in testdata/<format>/ is detected as <format>, and a file named
 * bad-* at worst as "unknown", never as another format.  So a new
 * adapter's sniffer that claims a native file, or another platform's,
 * fails here.  The sample exports are checked by name.
 */
#include "convo.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* What parse_detect() sees: the first 64 KiB. */
#define HEAD (64u << 10)

static enum convo_format
detect_file(const char *path, const char **why)
{
	static char head[HEAD];
	size_t len;
	FILE *fp;

	*why = NULL;
	if ((fp = fopen(path, "rb")) == NULL) {
		*why = "cannot open";
		return CONVO_FMT_AUTO;
	}
	len = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	return parse_detect(head, len, why);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checks every file of testdata/<dir>; returns how many there were. */
static int
check_dir(const char *dir, enum convo_format want)
{
	char path[512], name[600], *files[512];
	enum convo_format got;
	const char *why;
	struct dirent *e;
	DIR *d;
	int i, n = 0;

	snprintf(path, sizeof(path), "testdata/%s", dir);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < 512)
		if (e->d_name[0] != '.')
			files[n++] = strdup(e->d_name);
	closedir(d);
	qsort(files, (size_t)n, sizeof(files[0]), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "testdata/%s/%s", dir, files[i]);
		got = detect_file(path, &why);
		snprintf(name, sizeof(name), "%s: %s", path,
		    convo_format_name(got));
		if (strncmp(files[i], "bad-", 4) == 0)
			ok(got == want || got == CONVO_FMT_AUTO, name);
		else
			ok(got == want, name);
		free(files[i]);
	}
	return n;
}

int
main(void)
{
	static const struct {
		const char *dir;
		enum convo_format format;
	} dirs[] = {
		{ "json", CONVO_FMT_JSON },
		{ "events", CONVO_FMT_EVENTS },
		{ "csv", CONVO_FMT_CSV },
		{ "text", CONVO_FMT_TEXT },
		{ "whatsapp", CONVO_FMT_WHATSAPP },
		{ "rasa", CONVO_FMT_RASA },
		{ "botframework", CONVO_FMT_BOTFRAMEWORK },
		{ "llm", CONVO_FMT_LLM },
		{ "chatwoot", CONVO_FMT_CHATWOOT }
	};
	static const struct {
		const char *file;
		enum convo_format format;
	} samples[] = {
		{ "2026-11-21-whatsapp-4411.txt", CONVO_FMT_TEXT },
		{ "live-events.jsonl", CONVO_FMT_EVENTS },
		{ "shop-assistant.json", CONVO_FMT_JSON },
		{ "support-export.csv", CONVO_FMT_CSV }
	};
	char path[256], name[300];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ok(check_dir(dirs[i].dir, dirs[i].format) > 0, dirs[i].dir);
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		snprintf(path, sizeof(path), "testdata/sample/%s",
		    samples[i].file);
		snprintf(name, sizeof(name), "%s: %s", path,
		    convo_format_name(samples[i].format));
		ok(detect_file(path, &why) == samples[i].format, name);
	}
	return done_testing();
}
