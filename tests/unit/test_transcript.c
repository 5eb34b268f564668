/*
 * test_transcript.c: the transcript layer: finding and loading a
 * conversation from an in-memory store (messages in time order, system
 * lines, leads, variables, a stored NUL), and what the renderers share:
 * URLs, list lines, file names, address checks, format names, local
 * times.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static const char doc[] =
"{\"id\": \"c/1\", \"source\": \"api\", \"user\": \"u1\", \"status\": \"active\","
" \"variables\": {\"z\": \"last\", \"a\": {\"value\": \"first\", \"source\": \"post\"}},"
" \"leads\": [{\"name\": \"Ann\", \"email\": \"ann@example.com\","
"  \"created_at\": \"2026-11-20T10:00:09Z\"}],"
" \"messages\": ["
"  {\"ts\": \"2026-11-20T10:00:05Z\", \"role\": \"assistant\", \"text\": \"two\"},"
"  {\"ts\": \"2026-11-20T10:00:00Z\", \"role\": \"user\", \"text\": \"one\"},"
"  {\"ts\": \"2026-11-20T10:00:07Z\", \"role\": \"system\", \"text\": \"sys\"},"
"  {\"ts\": \"2026-11-20T10:00:09Z\", \"role\": \"user\","
"   \"click\": {\"type\": \"button\", \"title\": \"Go\"}}]}";

static void
test_store(struct convo_store *st)
{
	struct convo_transcript *t = NULL;
	int64_t *keys = NULL;
	size_t n;

	n = 0;
	is_int(convo_transcript_find(&keys, &n, st, CONVO_TRANSCRIPT_ID,
	    "nope", 0), CONVO_ENOTFOUND, "an unknown id: not found");
	ok(keys == NULL && n == 0, "  nothing handed out");
	is_int(convo_transcript_find(&keys, &n, st, CONVO_TRANSCRIPT_USER,
	    "u1", 0), 0, "by user");
	is_int(n, 1, "  one conversation");
	is_int(convo_transcript_find(&keys, &n, st, CONVO_TRANSCRIPT_LAST,
	    NULL, 5), 0, "the last five");
	is_int(n, 2, "  appended: two keys, the same conversation");
	ok(keys[0] == keys[1], "  the same key");
	free(keys);
	keys = NULL;
	n = 0;
	is_int(convo_transcript_find(&keys, &n, st, CONVO_TRANSCRIPT_ID,
	    "c/1", 0), 0, "by id");
	if (n != 1 || convo_transcript_load(&t, st, keys[0]) != 0 || !t) {
		ok(0, "load");
		free(keys);
		return;
	}
	is_str(t->id, "c/1", "the id");
	is_str(t->source, "api", "the source");
	is_str(t->assistant, NULL, "no assistant: NULL");
	ok(t->ended_at == CONVO_TIME_NONE, "active: no end");
	is_int(t->n_all, 4, "every message, the system line too");
	is_int(t->n_messages, 3, "three count as messages");
	is_str(t->messages[0].text, "one", "in time order");
	is_str(t->messages[3].click_title, "Go", "a click's title");
	is_str(t->messages[3].text, NULL, "  and no text");
	is_int(t->n_vars, 2, "two variables");
	is_str(t->vars[0].name, "a", "  by name");
	is_str(t->vars[0].source, "post", "  with their source");
	is_int(t->n_leads, 1, "one lead");
	is_str(t->leads[0].email, "ann@example.com", "  its address");
	convo_transcript_free(t);
	is_int(convo_transcript_load(&t, st, keys[0] + 1000), CONVO_ENOTFOUND,
	    "a key that is gone: not found");
	ok(t == NULL, "  *out NULL");
	free(keys);
	convo_transcript_free(NULL);
}

static void
test_shared(void)
{
	struct convo_transcript t = { 0 };
	char name[64];
	size_t skip;

	is_int(tr_url("https://a.example/x.", 20, 0), 19,
	    "url: a full stop after it is not part of it");
	is_int(tr_url("http://a.example/(b)", 20, 0), 20,
	    "url: a closing bracket with its opening one stays");
	is_int(tr_url("https://x\"onclick", 17, 0), 9, "url: ends at a quote");
	is_int(tr_url("javascript:alert(1)", 19, 0), 0, "url: not javascript:");
	is_int(tr_url("https://", 8, 0), 0, "url: a scheme alone is none");
	is_int(tr_line_kind("- a", 3, &skip), TR_BULLET, "a bullet");
	is_int(skip, 2, "  its text after \"- \"");
	is_int(tr_line_kind("12. b", 5, &skip), TR_NUMBERED, "a numbered line");
	is_int(tr_line_kind("1.5 kg", 6, &skip), TR_PARA, "1.5 is no list");
	is_int(tr_line_kind(" \t", 2, &skip), TR_BLANK, "white space: blank");
	t.id = "../a b/c.d";
	is_str(convo_transcript_filename(name, sizeof(name), &t,
	    CONVO_TRANSCRIPT_EMAIL), "_._a_b_c.d.eml",
	    "file name: no leading dot, no slash, no space");
	t.id = "";
	is_str(convo_transcript_filename(name, sizeof(name), &t,
	    CONVO_TRANSCRIPT_TEXT), "_.txt", "file name: an empty id");
	is_str(convo_mail_address_check("a@b.c, Ann Lee <ann@x.org>"), NULL,
	    "addresses: good ones");
	ok(convo_mail_address_check("a@b.c\r\nBcc: d@e.f") != NULL,
	    "addresses: CR LF refused");
	ok(convo_mail_address_check("<a@b.c> x") != NULL,
	    "addresses: text after '>' refused");
	ok(convo_mail_address_check("a@b@c") != NULL,
	    "addresses: two '@' refused");
	is_int(convo_transcript_format_from_name("html"), CONVO_TRANSCRIPT_HTML,
	    "format: html");
	is_int(convo_transcript_format_from_name("pdf"), -1, "format: pdf no");
}

/* Found by fuzz_time: rounding down a time this far back overflowed. */
static void
test_local_times(void)
{
	char buf[TR_TIMESZ];

	is_str(tr_datetime(buf, -1), "1969-12-31 23:59:59 +00:00",
	    "local time: a millisecond before the epoch");
	is_str(tr_date(buf, INT64_MIN + 1), "-292275055-05-16",
	    "local date: a corrupt time far before the epoch");
	is_str(tr_clock(buf, INT64_MIN + 1), "16:47:04",
	    "local clock: a corrupt time far before the epoch");
}

int
main(void)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct convo_import_result res;
	struct convo_store *st;
	char err[256];
	FILE *fp;
	int rc;

	setenv("TZ", "UTC", 1);
	rc = convo_store_open(&st, err, sizeof(err), ":memory:",
	    CONVO_OPEN_MEMORY, 1000);
	if (!ok(rc == 0, "open an in-memory store"))
		return done_testing();
	fp = fmemopen((void *)doc, sizeof(doc) - 1, "r");
	rc = fp ? convo_import_file(&res, st, fp, "doc.json", &opt) : -1;
	if (fp)
		fclose(fp);
	is_int(rc, 0, "import the document");
	test_store(st);
	test_shared();
	test_local_times();
	convo_store_close(st);
	return done_testing();
}
