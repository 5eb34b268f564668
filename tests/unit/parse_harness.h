/*
 * parse_harness.h: what the parser unit tests share: a sink that writes
 * each record as one line of text, a diagnostic callback that does the
 * same for diagnostics, and runners that parse a string or a testdata
 * file and keep both.  Header-only, like tap.h; include it after tap.h:
 *
 *	harness.parse = parse_csv;		(once, in main())
 *	rc = run("conversation_id,ts,role\nc1,...\n", 0);
 *	is_str(got.rec[1], "msg 2 c1 @2026-11-20T10:30:15Z user", "...");
 *
 * A record comes out in one of two shapes, chosen by harness.flags:
 *
 *	0		"msg 2 c1/web @2026-11-20T10:30:15Z user 'Hi'
 *			 click=link|Docs|/docs"
 *	HARNESS_KEYED	"msg 2 c1@web ts=1795170615000 role=user
 *			 at=1795170615000 text=[Hi] click=link title=Docs
 *			 target=/docs"
 *
 * The compact shape reads best for formats with few fields a message
 * (text, CSV); the keyed one names every field, as the JSON formats do.
 * Only fields that are stated appear.  A diagnostic is
 * "LINE:COL: [warning: ]MESSAGE", after "FILE:" with HARNESS_DIAG_FILE.
 *
 * got is zeroed before every run, so a record or diagnostic that did not
 * come is the empty string.  The functions are static inline so that a
 * test need not use all of them.
 */
#ifndef PARSE_HARNESS_H
#define PARSE_HARNESS_H

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "convo.h"
#include "internal.h"

#define HARNESS_MAX 64		/* records, and diagnostics, kept a run */
#define HARNESS_LINE 4096	/* the longest record or diagnostic line */

enum {
	HARNESS_KEYED = 1,	/* records as key=value, epoch milliseconds */
	HARNESS_DIAG_FILE = 2	/* diagnostics begin with the file name */
};

/* How the runs parse: set up in main(), changed around a case. */
static struct {
	int (*parse)(struct parser *p);
	const char *file;		/* p->file, names the diagnostics */
	const char *path_hint;		/* p->path_hint, may be NULL */
	const char *testdata;		/* the folder run_file() reads */
	int64_t date;			/* p->date */
	int64_t session_gap_ms;		/* p->session_gap_ms */
	int flags;			/* HARNESS_* */
	int sink_fails_after;		/* the sink returns CONVO_EIO once it
					   holds this many records; -1 never */
	struct convo_import_options opt;	/* p->opt: the adapters'
						   settings */
} harness = { NULL, "-", NULL, "testdata", CONVO_TIME_NONE, 0, 0, -1,
	CONVO_IMPORT_OPTIONS_INIT };

/* What the last run handed on, each record and diagnostic as one line. */
static struct {
	int n_rec;
	char rec[HARNESS_MAX][HARNESS_LINE];
	int n_diag;
	char diag[HARNESS_MAX][HARNESS_LINE];
	long n_bad;		/* the parser's count of bad records */
	long n_sink_calls;	/* records offered, taken or not */
} got;

/*
 * Formatting one record.
 */

static inline void out_add(char *, const char *, ...) CONVO_PRINTF(2, 3);
/* Appends to out, a line of HARNESS_LINE bytes; cuts what does not fit. */
static inline void
out_add(char *out, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + n, HARNESS_LINE - n, fmt, ap);
	va_end(ap);
}

static inline const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static inline void
out_str(char *out, const char *key, const char *s)
{
	if (s != NULL)
		out_add(out, " %s=%s", key, s);
}

/* A time in UTC: "2026-11-20T10:30:15Z", with ".250" when not whole. */
static inline void
out_utc(char *out, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	out_add(out, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (ms % 1000)
		out_add(out, ".%03d", (int)(ms % 1000));
	out_add(out, "Z");
}

/* " KEY=TIME" when the time is stated: epoch ms if keyed, else UTC. */
static inline void
out_time(char *out, const char *key, int64_t ms, int keyed)
{
	if (ms == CONVO_TIME_NONE)
		return;
	out_add(out, " %s=", key);
	if (keyed)
		out_add(out, "%lld", (long long)ms);
	else
		out_utc(out, ms);
}

/*
 * Three fields that go together (a click, a medium): keyed, each on its
 * own; compact, " KEY1=A|B|C" when any is stated.
 */
static inline void
out_three(char *out, int keyed, const char *const key[3],
    const char *a, const char *b, const char *c)
{
	if (keyed) {
		out_str(out, key[0], a);
		out_str(out, key[1], b);
		out_str(out, key[2], c);
	} else if (a != NULL || b != NULL || c != NULL)
		out_add(out, " %s=%s|%s|%s", key[0], or_empty(a), or_empty(b),
		    or_empty(c));
}

static inline void
out_usage(char *out, const struct convo_usage *u)
{
	if (u->input_tokens != CONVO_NUM_NONE)
		out_add(out, " in=%lld", (long long)u->input_tokens);
	if (u->output_tokens != CONVO_NUM_NONE)
		out_add(out, " out=%lld", (long long)u->output_tokens);
	if (u->has_cost)
		out_add(out, " cost=%g", u->cost);
}

static inline void
out_conv(char *out, const struct convo_conv_fields *c, int keyed)
{
	out_str(out, "user", c->user);
	out_str(out, "assistant", c->assistant);
	out_str(out, "device", c->device);
	out_str(out, "browser", c->browser);
	out_str(out, "country", c->country);
	out_str(out, "region", c->region);
	out_str(out, "city", c->city);
	out_str(out, "status", c->status);
	out_time(out, "started", c->started_at, keyed);
	out_time(out, "ended", c->ended_at, keyed);
	out_str(out, keyed ? "reason" : "end_reason", c->end_reason);
	if (c->csat != 0)
		out_add(out, " csat=%d", c->csat);
	out_usage(out, &c->usage);
}

static inline void
out_msg(char *out, const struct convo_msg_fields *m, int keyed)
{
	static const char *const click[3] = { "click", "title", "target" };
	static const char *const media[3] = { "media", "name", "url" };

	if (keyed) {
		out_add(out, " role=%s", role_name(m->role));
		out_time(out, "at", m->ts, keyed);
	} else
		out_add(out, " %s", role_name(m->role));
	if (m->text != NULL)
		out_add(out, keyed ? " text=[%.*s]" : " '%.*s'",
		    (int)m->text_len, m->text);
	out_three(out, keyed, click, m->click_type, m->click_title,
	    m->click_target);
	if (m->fallback != CONVO_BOOL_NONE)
		out_add(out, " fallback=%d", m->fallback);
	out_str(out, "intent", m->intent);
	if (m->has_confidence)
		out_add(out, keyed ? " conf=%g" : " confidence=%g",
		    m->confidence);
	out_str(out, "agent", m->agent);
	if (m->feedback != CONVO_FEEDBACK_NONE)
		out_add(out, " feedback=%s", feedback_name(m->feedback));
	if (m->handover != CONVO_HANDOVER_NONE)
		out_add(out, " handover=%s", handover_name(m->handover));
	out_three(out, keyed, media, m->media_type, m->media_name,
	    m->media_url);
	out_usage(out, &m->usage);
}

/* The fields of the other kinds of record. */
static inline void
out_event(char *out, const struct convo_rec *r, int keyed)
{
	if (!keyed && r->kind == CONVO_REC_VARIABLE) {
		out_add(out, " %s=%s (%s)", or_empty(r->var_name),
		    or_empty(r->var_value), or_empty(r->var_source));
		return;
	}
	if (!keyed && r->kind == CONVO_REC_LEAD) {
		out_add(out, " %s|%s|%s", or_empty(r->lead_name),
		    or_empty(r->lead_email), or_empty(r->lead_phone));
		return;
	}
	if (r->kind == CONVO_REC_HANDOVER)
		out_add(out, " kind=%s", handover_name(r->handover));
	if (r->kind == CONVO_REC_FEEDBACK)
		out_add(out, " value=%s index=%ld", feedback_name(r->feedback),
		    r->feedback_index);
	if (r->kind == CONVO_REC_CSAT)
		out_add(out, " score=%d", r->csat);
	out_str(out, "name", r->lead_name);
	out_str(out, "email", r->lead_email);
	out_str(out, "phone", r->lead_phone);
	out_str(out, "var", r->var_name);
	out_str(out, "value", r->var_value);
	out_str(out, "from", r->var_source);
	out_str(out, "reason", r->end_reason);
}

/*
 * "KIND LINE ID[/SOURCE] @TIME" or "KIND LINE ID[@SOURCE] ts=MS", then
 * the fields the record states.
 */
static inline void
out_rec(char *out, const struct convo_rec *r, int keyed)
{
	static const char *const kinds[] = {
		[CONVO_REC_CONV] = "conv", [CONVO_REC_MSG] = "msg",
		[CONVO_REC_HANDOVER] = "handover",
		[CONVO_REC_FEEDBACK] = "feedback", [CONVO_REC_CSAT] = "csat",
		[CONVO_REC_SURVEY] = "survey", [CONVO_REC_LEAD] = "lead",
		[CONVO_REC_VARIABLE] = "var", [CONVO_REC_END] = "end"
	};

	out_add(out, "%s %ld %s", kinds[r->kind], r->line, r->conv_id);
	if (r->source != NULL)
		out_add(out, "%c%s", keyed ? '@' : '/', r->source);
	if (keyed)
		out_time(out, "ts", r->ts, keyed);
	else if (r->ts == CONVO_TIME_NONE)
		out_add(out, " @-");
	else {
		out_add(out, " @");
		out_utc(out, r->ts);
	}
	if (r->kind == CONVO_REC_CONV)
		out_conv(out, &r->conv, keyed);
	else if (r->kind == CONVO_REC_MSG)
		out_msg(out, &r->msg, keyed);
	/* Keyed, every record shows them, so a stray field is caught. */
	if (keyed || (r->kind != CONVO_REC_CONV && r->kind != CONVO_REC_MSG))
		out_event(out, r, keyed);
}

/*
 * The callbacks.
 */

static inline int
harness_sink(void *ctx, const struct convo_rec *r)
{
	(void)ctx;
	got.n_sink_calls++;
	if (got.n_rec == harness.sink_fails_after)
		return CONVO_EIO;
	if (got.n_rec == HARNESS_MAX)
		return CONVO_EINTERNAL;
	out_rec(got.rec[got.n_rec++], r, harness.flags & HARNESS_KEYED);
	return 0;
}

static inline void
harness_diag(void *ctx, const struct convo_diag *d)
{
	char *out;

	(void)ctx;
	if (got.n_diag == HARNESS_MAX)
		return;
	out = got.diag[got.n_diag++];
	if (harness.flags & HARNESS_DIAG_FILE)
		out_add(out, "%s:", d->file);
	out_add(out, "%ld:%ld: %s%s", d->line, d->col,
	    d->severity == CONVO_SEV_WARNING ? "warning: " : "", d->message);
}

/*
 * The runners.  Each empties got, parses with harness.parse and returns
 * the parser's status, or CONVO_EINTERNAL when the parser handed the
 * sink a record without parse_emit(), which counts them.
 */

static inline int
run_fp(FILE *fp, int skip_bad)
{
	struct reader *rd;
	struct parser p;
	int rc;

	memset(&got, 0, sizeof(got));
	if (reader_new(&rd, fp) != 0)
		return CONVO_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.rd = rd;
	p.file = harness.file;
	p.path_hint = harness.path_hint;
	p.skip_bad = skip_bad;
	p.date = harness.date;
	p.session_gap_ms = harness.session_gap_ms;
	p.opt = &harness.opt;
	p.sink = harness_sink;
	p.diag = harness_diag;
	rc = harness.parse(&p);
	got.n_bad = p.n_bad;
	if (p.n_records != got.n_sink_calls)
		rc = CONVO_EINTERNAL;
	reader_free(rd);
	return rc;
}

/* Parses text, n bytes, or up to its NUL when n is 0. */
static inline int
run_n(const char *text, size_t n, int skip_bad)
{
	FILE *fp;
	int rc;

	memset(&got, 0, sizeof(got));
	if (n == 0)
		n = strlen(text);
	if ((fp = fmemopen((void *)(uintptr_t)text, n, "r")) == NULL)
		return CONVO_EIO;
	rc = run_fp(fp, skip_bad);
	fclose(fp);
	return rc;
}

static inline int
run(const char *text, int skip_bad)
{
	return run_n(text, 0, skip_bad);
}

/* Parses the file name in the folder harness.testdata. */
static inline int
run_file(const char *name, int skip_bad)
{
	char path[256];
	FILE *fp;
	int rc;

	memset(&got, 0, sizeof(got));
	snprintf(path, sizeof(path), "%s/%s", harness.testdata, name);
	if ((fp = fopen(path, "r")) == NULL)
		return CONVO_ENOENT;
	rc = run_fp(fp, skip_bad);
	fclose(fp);
	return rc;
}

/* Runs text and checks it returned want_rc and one diagnostic, want. */
static inline void
one_error(const char *text, int skip_bad, int want_rc, const char *want,
    const char *name)
{
	int rc = run(text, skip_bad);

	is_int(rc, want_rc, name);
	is_int(got.n_diag, 1, name);
	is_str(got.diag[0], want, name);
}

/*
 * Sniffers over the fixtures.  test_detect.c checks what detection as a
 * whole makes of each file; these check one sniffer alone, so a sniffer
 * that claims another format's file fails even when detection asks that
 * format's sniffer first.
 */

typedef int (*harness_sniff_fn)(const char *head, size_t len);

/*
 * What sniff says of path's first 64 KiB, handed over as parse_detect()
 * does (a BOM and leading blanks skipped); 0 for an empty or binary
 * head, which no sniffer is shown; -1 when path cannot be read.
 */
static inline int
harness_sniff_file(const char *path, harness_sniff_fn sniff)
{
	static char head[64u << 10];
	const char *h = head;
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (n >= 3 && memcmp(h, "\xef\xbb\xbf", 3) == 0) {
		h += 3;
		n -= 3;
	}
	while (n > 0 && strchr(" \t\r\n\f", *h) != NULL && *h != '\0') {
		h++;
		n--;
	}
	return n > 0 && memchr(h, '\0', n) == NULL ? sniff(h, n) : 0;
}

/*
 * One test: sniff says want of every file of dir (each one that does not
 * is listed).  Returns how many files there were, -1 when dir does not
 * open.
 */
static inline int
harness_sniff_dir(const char *dir, harness_sniff_fn sniff, int want,
    const char *what)
{
	char path[1024], name[2048];
	struct dirent *e;
	int n = 0, wrong = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n++;
		if (harness_sniff_file(path, sniff) != want) {
			wrong++;
			printf("# %s: not %d on %s\n", what, want, path);
		}
	}
	closedir(d);
	snprintf(name, sizeof(name), "%s: %s, %d files", what, dir, n);
	is_int(wrong, 0, name);
	return n;
}

/*
 * Every folder of testdata/, as it comes (a new adapter's fixtures count
 * at once): the files of testdata/<mine> sniff as 1, all others as 0.
 * Returns how many files testdata/<mine> has.
 */
static inline int
harness_sniff_walk(harness_sniff_fn sniff, const char *mine)
{
	char dir[600], what[700];
	struct dirent *e;
	int n, n_mine = 0, is_mine;
	DIR *top;

	if ((top = opendir("testdata")) == NULL) {
		ok(0, "testdata/ opens");
		return 0;
	}
	while ((e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "testdata/%s", e->d_name);
		is_mine = strcmp(e->d_name, mine) == 0;
		snprintf(what, sizeof(what), "%s sniffer, %s", mine,
		    is_mine ? "ours" : "not ours");
		n = harness_sniff_dir(dir, sniff, is_mine, what);
		if (is_mine)
			n_mine = n;
	}
	closedir(top);
	return n_mine;
}

#endif /* PARSE_HARNESS_H */
