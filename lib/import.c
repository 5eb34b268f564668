/*
 * import.c: imports one file: detects its format, runs its parser, and
 * stores what the parser hands on, deriving the signals the export lacks
 * (fallbacks, handovers, leads) with the rules, all in one transaction.
 * The parser and the rules run in one thread, the store in another.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How often the progress callback is called, in records. */
#define PROGRESS_EVERY 4096

struct import {
	const struct convo_import_options *opt;
	struct store_import *si;
	struct import_queue *q;
	struct reader *rd;
	const char *name;
	long n_records;
};

/*
 * The parsing side: what the rules derive is worked out as each record is
 * parsed, before it is queued, so that the storing side only stores.
 */

/*
 * Hashes the content that identifies a message, fields separated.  The
 * text is the one stored: with --redact, nothing derived from the original
 * text (not even this hash, which a dictionary could invert) is kept.
 */
static uint64_t
message_key(const struct convo_msg_fields *m, const char *text)
{
	const char *parts[6];
	uint64_t h = HASH64_INIT;
	size_t i;

	parts[0] = role_name(m->role);
	parts[1] = m->click_type;
	parts[2] = m->click_title;
	parts[3] = m->click_target;
	parts[4] = m->media_url;
	parts[5] = NULL;
	if (text != NULL)
		h = hash64(h, text, strlen(text));
	for (i = 0; i < 5; i++) {
		h = hash64(h, "\x1f", 1);
		if (parts[i] != NULL)
			h = hash64(h, parts[i], strlen(parts[i]));
	}
	return h;
}

/* Fills in fallback and handover: stated values, else the rules'. */
static void
derive(struct import_item *it, const struct convo_rules *rules)
{
	const struct convo_msg_fields *m = &it->rec.msg;

	it->fallback = m->fallback == 1;
	if (m->fallback == CONVO_BOOL_NONE && m->role == CONVO_ROLE_ASSISTANT &&
	    rules != NULL) {
		it->fallback_derived = 1;
		it->fallback = m->text != NULL &&
		    rules_is_fallback(rules, m->text, m->text_len);
	}
	it->handover = m->handover;
	if (m->handover != CONVO_HANDOVER_NONE || m->role != CONVO_ROLE_USER ||
	    rules == NULL)
		return;
	it->handover = rules_handover_of(rules, m);
	it->handover_derived = it->handover != CONVO_HANDOVER_NONE;
}

/*
 * A visitor who types an e-mail address or phone number becomes a lead
 * (if the message is new: the storing side decides).  The strings are
 * the caller's to free.
 */
static int
derive_contacts(char **email, char **phone, const struct import *im,
    const struct convo_msg_fields *m)
{
	static const char hidden_email[] = "[email]", hidden_phone[] = "[phone]";
	int rc;

	*email = *phone = NULL;
	if (im->opt->rules == NULL || m->role != CONVO_ROLE_USER ||
	    m->click_type != NULL || m->text == NULL)
		return 0;
	rc = rules_find_contacts(email, phone, im->opt->rules, m->text,
	    m->text_len);
	if (rc != 0 || !im->opt->redact)
		return rc;
	if (*email != NULL) {
		free(*email);
		if ((*email = strdup(hidden_email)) == NULL)
			return CONVO_ENOMEM;
	}
	if (*phone != NULL) {
		free(*phone);
		if ((*phone = strdup(hidden_phone)) == NULL)
			return CONVO_ENOMEM;
	}
	return 0;
}

/* Queues a message with its derived signals and, maybe, redacted text. */
static int
put_message(struct import *im, struct import_item *it)
{
	const struct convo_rules *rules = im->opt->rules;
	struct convo_msg_fields *m = &it->rec.msg;
	char *redacted = NULL, *email, *phone;
	int rc;

	derive(it, rules);
	if ((rc = derive_contacts(&email, &phone, im, m)) != 0)
		goto out;
	it->email = email;
	it->phone = phone;
	if (im->opt->redact && rules != NULL && m->text != NULL) {
		if ((redacted = convo_rules_redact(rules, m->text,
		    m->text_len)) == NULL) {
			rc = CONVO_ENOMEM;
			goto out;
		}
		m->text = redacted;
		m->text_len = strlen(redacted);
	}
	it->key = message_key(m, m->text);
	rc = import_queue_put(im->q, it);
out:
	free(redacted);
	free(email);
	free(phone);
	return rc;
}

/* Sources are lower case (model.md): "Web_Widget" is web_widget. */
static char *
lower_dup(const char *s)
{
	char *copy, *p;

	if ((copy = strdup(s)) == NULL)
		return NULL;
	for (p = copy; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return copy;
}

static int
sink(void *ctx, const struct convo_rec *rec)
{
	struct import *im = ctx;
	struct import_item it;
	char *lowered = NULL;
	int rc;

	if (++im->n_records % PROGRESS_EVERY == 0 && im->opt->progress)
		im->opt->progress(im->opt->progress_ctx, im->name,
		    reader_bytes(im->rd));
	memset(&it, 0, sizeof(it));
	it.rec = *rec;
	if (rec->source != NULL && strpbrk(rec->source,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL) {
		if ((lowered = lower_dup(rec->source)) == NULL)
			return CONVO_ENOMEM;
		it.rec.source = lowered;
	}
	if (rec->kind == CONVO_REC_MSG)
		rc = put_message(im, &it);
	else
		rc = import_queue_put(im->q, &it);
	free(lowered);
	return rc;
}

/*
 * The storing side.
 */

static int
store_message(struct import *im, int64_t conv, const struct import_item *it)
{
	const struct convo_msg_fields *m = &it->rec.msg;
	struct store_msg sm;
	int64_t id;
	int rc, is_new;

	sm.m = m;
	sm.text = m->text;
	sm.key = it->key;
	sm.fallback = it->fallback;
	sm.fallback_derived = it->fallback_derived;
	sm.handover = it->handover;
	sm.handover_derived = it->handover_derived;
	rc = store_import_msg(&id, &is_new, im->si, conv, &sm);
	if (rc == 0 && is_new && (it->email != NULL || it->phone != NULL))
		rc = store_import_lead(im->si, conv, m->ts, NULL, it->email,
		    it->phone, 1);
	return rc;
}

static int
store_item(void *ctx, const struct import_item *it)
{
	struct import *im = ctx;
	const struct convo_rec *rec = &it->rec;
	int64_t conv;
	int rc;

	if ((rc = store_import_conv(&conv, im->si, rec)) != 0)
		return rc;
	switch (rec->kind) {
	case CONVO_REC_CONV:
		return 0;
	case CONVO_REC_MSG:
		return store_message(im, conv, it);
	case CONVO_REC_LEAD:
		return store_import_lead(im->si, conv, rec->ts, rec->lead_name,
		    rec->lead_email, rec->lead_phone, 0);
	case CONVO_REC_VARIABLE:
		return store_import_event(im->si, conv, rec);
	default:
		if (rec->ts == CONVO_TIME_NONE)
			return CONVO_EINTERNAL;
		return store_import_event(im->si, conv, rec);
	}
}

static void
file_error(const struct convo_import_options *opt, const char *name,
    const char *why)
{
	struct convo_diag d = { name, 0, 0, CONVO_SEV_ERROR, why };

	if (opt->diag != NULL)
		opt->diag(opt->diag_ctx, &d);
}

/* Chooses the format: forced, or detected from the first 64 KiB. */
static int
choose_format(enum convo_format *fmt, struct reader *rd, const char *name,
    const struct convo_import_options *opt)
{
	const char *head, *why = NULL;
	size_t len;
	int rc;

	if ((rc = reader_peek(rd, &head, &len, 64u << 10)) != 0)
		return rc;
	*fmt = parse_detect(head, len, &why);
	if (why != NULL && strcmp(why, "empty file") == 0) {
		file_error(opt, name, why);
		return CONVO_EDATA;
	}
	if (opt->format != CONVO_FMT_AUTO)
		*fmt = opt->format;
	if (*fmt == CONVO_FMT_AUTO) {
		file_error(opt, name, why);
		return CONVO_EDATA;
	}
	return 0;
}

/* The parsing thread: the parse, then the last word to the queue. */
struct parse_job {
	struct parser *p;
	enum convo_format fmt;
	struct import_queue *q;
	int skip_bad;
	int rc;
};

/* Without --skip-bad, a parse error ends the file; with it, not. */
static int
parse(struct parse_job *job)
{
	int rc = parse_run(job->p, job->fmt);

	if (rc == CONVO_EDATA && job->skip_bad)
		rc = 0;
	return import_queue_close(job->q, rc);
}

static void *
parse_main(void *arg)
{
	struct parse_job *job = arg;

	job->rc = parse(job);
	return NULL;
}

/*
 * Parses in a second thread while this one stores (see import_queue.c),
 * or, with opt->threads 0 or no thread to be had, both in turn.
 */
static int
parse_and_store(struct import *im, struct parse_job *job)
{
	pthread_t thread;
	int rc;

	if (im->opt->threads > 0) {
		rc = import_queue_new(&im->q, 1, store_item, im);
		job->q = im->q;
		if (rc == 0 && pthread_create(&thread, NULL, parse_main,
		    job) == 0) {
			rc = import_queue_drain(im->q);
			pthread_join(thread, NULL);
			return rc != 0 ? rc : job->rc;
		}
		import_queue_free(im->q);
		im->q = NULL;
	}
	if ((rc = import_queue_new(&im->q, 0, store_item, im)) != 0)
		return rc;
	job->q = im->q;
	return parse(job);
}

/* Parses and stores inside the transaction; returns the parse status. */
static int
run(struct convo_import_result *res, struct import *im, struct reader *rd,
    enum convo_format fmt)
{
	const struct convo_import_options *opt = im->opt;
	struct parse_job job;
	struct parser p;
	char sha[65];
	int rc;

	memset(&p, 0, sizeof(p));
	p.rd = rd;
	p.file = im->name;
	p.path_hint = strcmp(im->name, "-") == 0 ? NULL : im->name;
	p.skip_bad = opt->skip_bad;
	p.date = opt->date;
	p.session_gap_ms = opt->session_gap_ms;
	p.sink = sink;
	p.sink_ctx = im;
	p.diag = opt->diag;
	p.diag_ctx = opt->diag_ctx;
	p.opt = opt;
	memset(&job, 0, sizeof(job));
	job.p = &p;
	job.fmt = fmt;
	job.skip_bad = opt->skip_bad;
	rc = parse_and_store(im, &job);
	import_queue_free(im->q);
	im->q = NULL;
	res->records = p.n_records;
	res->skipped = p.n_bad;
	res->bytes = reader_bytes(rd);
	if (rc != 0)
		return rc;
	reader_sha256_hex(rd, sha);
	return store_import_finish(res, im->si, convo_format_name(fmt), sha);
}

int
convo_import_file(struct convo_import_result *out, struct convo_store *st,
    FILE *fp, const char *name, const struct convo_import_options *opt)
{
	struct import im;
	struct reader *rd;
	enum convo_format fmt;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	if ((rc = reader_new(&rd, fp)) != 0)
		return rc;
	if ((rc = choose_format(&fmt, rd, name, opt)) != 0)
		goto done;
	out->format = fmt;
	im.opt = opt;
	im.rd = rd;
	im.name = name;
	if ((rc = store_begin_import(st)) != 0)
		goto done;
	rc = store_import_begin(&im.si, st, name, opt->now);
	if (rc == 0)
		rc = run(out, &im, rd, fmt);
	store_import_free(im.si);
	if (rc == 0 && !opt->dry_run)
		rc = store_commit(st);
	store_end_import(st);
	if (rc == 0 && out->skipped > 0)
		rc = CONVO_EDATA;
done:
	reader_free(rd);
	return rc;
}
