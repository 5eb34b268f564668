/*
 * import.c: imports one file: detects its format, runs its parser, and
 * stores what the parser hands on, deriving the signals the export lacks
 * (fallbacks, handovers, leads) with the rules, all in one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How often the progress callback is called, in records. */
#define PROGRESS_EVERY 4096

struct import {
	const struct convo_import_options *opt;
	struct store_import *si;
	struct reader *rd;
	const char *name;
	long n_records;
};

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
derive(struct store_msg *sm, const struct convo_rules *rules)
{
	const struct convo_msg_fields *m = sm->m;

	sm->fallback = m->fallback == 1;
	if (m->fallback == CONVO_BOOL_NONE && m->role == CONVO_ROLE_ASSISTANT &&
	    rules != NULL) {
		sm->fallback_derived = 1;
		sm->fallback = m->text != NULL &&
		    rules_is_fallback(rules, m->text, m->text_len);
	}
	sm->handover = m->handover;
	if (m->handover != CONVO_HANDOVER_NONE || m->role != CONVO_ROLE_USER ||
	    rules == NULL)
		return;
	sm->handover = rules_handover_of(rules, m);
	sm->handover_derived = sm->handover != CONVO_HANDOVER_NONE;
}

/* A visitor who types an e-mail address or phone number becomes a lead. */
static int
derive_lead(struct import *im, int64_t conv, const struct convo_msg_fields *m)
{
	char *email = NULL, *phone = NULL;
	int rc;

	rc = rules_find_contacts(&email, &phone, im->opt->rules, m->text,
	    m->text_len);
	if (rc == 0 && (email != NULL || phone != NULL))
		rc = store_import_lead(im->si, conv, m->ts, NULL,
		    email && im->opt->redact ? "[email]" : email,
		    phone && im->opt->redact ? "[phone]" : phone, 1);
	free(email);
	free(phone);
	return rc;
}

static int
import_msg(struct import *im, int64_t conv, const struct convo_rec *rec)
{
	const struct convo_rules *rules = im->opt->rules;
	const struct convo_msg_fields *m = &rec->msg;
	struct store_msg sm;
	char *redacted = NULL;
	int64_t id;
	int rc, is_new;

	memset(&sm, 0, sizeof(sm));
	sm.m = m;
	sm.text = m->text;
	derive(&sm, rules);
	if (im->opt->redact && rules != NULL && m->text != NULL) {
		if ((redacted = convo_rules_redact(rules, m->text,
		    m->text_len)) == NULL)
			return CONVO_ENOMEM;
		sm.text = redacted;
	}
	sm.key = message_key(m, sm.text);
	rc = store_import_msg(&id, &is_new, im->si, conv, &sm);
	free(redacted);
	if (rc == 0 && is_new && rules != NULL && m->role == CONVO_ROLE_USER &&
	    m->click_type == NULL && m->text != NULL)
		rc = derive_lead(im, conv, m);
	return rc;
}

static int
store_rec(struct import *im, const struct convo_rec *rec)
{
	int64_t conv;
	int rc;

	if ((rc = store_import_conv(&conv, im->si, rec)) != 0)
		return rc;
	switch (rec->kind) {
	case CONVO_REC_CONV:
		return 0;
	case CONVO_REC_MSG:
		return import_msg(im, conv, rec);
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
	struct convo_rec lowered;
	int rc;

	if (++im->n_records % PROGRESS_EVERY == 0 && im->opt->progress)
		im->opt->progress(im->opt->progress_ctx, im->name,
		    reader_bytes(im->rd));
	if (rec->source == NULL || strpbrk(rec->source,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL)
		return store_rec(im, rec);
	lowered = *rec;
	if ((lowered.source = lower_dup(rec->source)) == NULL)
		return CONVO_ENOMEM;
	rc = store_rec(im, &lowered);
	free((char *)lowered.source);
	return rc;
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

/* Parses and stores inside the transaction; returns the parse status. */
static int
run(struct convo_import_result *res, struct import *im, struct reader *rd,
    enum convo_format fmt)
{
	const struct convo_import_options *opt = im->opt;
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
	rc = parse_run(&p, fmt);
	res->records = p.n_records;
	res->skipped = p.n_bad;
	res->bytes = reader_bytes(rd);
	if (rc == CONVO_EDATA && opt->skip_bad)
		rc = 0;
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
