/*
 * internal.h: declarations shared inside lib/ only: the growable buffer,
 * the line reader, the records that parsers hand to the importer, and the
 * parser context.  cmd/ never includes this file.
 */
#ifndef CONVO_INTERNAL_H
#define CONVO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "convo.h"

/*
 * The largest line, field or record any parser accepts: 8 MiB.  Bigger
 * input is rejected with a diagnostic rather than eating memory.
 */
#define CONVO_MAX_RECORD (8u << 20)

#if defined(__GNUC__)
#define CONVO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CONVO_PRINTF(f, a)
#endif

/*
 * buf.c: a growable byte buffer with a ceiling.  The contents are always
 * NUL-terminated.  Functions return 0, CONVO_ENOMEM, or CONVO_EDATA when
 * the ceiling would be passed.
 */
struct buf {
	char *data;		/* NUL-terminated contents, NULL until used */
	size_t len;		/* bytes used, not counting the NUL */
	size_t cap;		/* bytes allocated */
	size_t max;		/* ceiling on len */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, int c);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) CONVO_PRINTF(2, 3);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Returns the contents, leaving b empty; the caller frees it. */
char *buf_detach(struct buf *b);

/*
 * escape.c: appends s (n bytes, may be NULL) to b with invalid UTF-8, NUL,
 * control characters other than tab and newline (C1 too), U+2028, U+2029
 * and the bidi embeddings, overrides and isolates replaced by U+FFFD;
 * esc_html() also writes & < > " ' as entities, so its output is safe in
 * HTML text and in quoted attribute values.  Return as buf_add().
 */
int esc_text(struct buf *b, const char *s, size_t n);
int esc_html(struct buf *b, const char *s, size_t n);
/*
 * The same cleaning, then: esc_json() escapes for the inside of a JSON
 * string literal; esc_markdown() as esc_html() plus a backslash before
 * \ ` * _ [ ] # | ~, so that text shows as typed in CommonMark.
 */
int esc_json(struct buf *b, const char *s, size_t n);
int esc_markdown(struct buf *b, const char *s, size_t n);
/* esc_text() with tab and LF made spaces: text kept on one line. */
int esc_line(struct buf *b, const char *s, size_t n);

/*
 * MIME (RFC 2045, 2047), in escape.c.  mime_qp() appends s as
 * quoted-printable: '\n' ends a line (written CRLF), lines are at most
 * 76 characters with soft breaks, and a '.' or "From " that starts a
 * line is encoded.  mime_base64() appends base64, CRLF every line
 * characters (0: one line).  mime_clean() appends s cleaned as
 * esc_text() does (CR, NUL and other controls become U+FFFD), tab and
 * LF made spaces: a header value that cannot break its line.
 * mime_header_text() appends s cleaned for an unstructured header or a
 * display name: as it is when it is printable ASCII without "=?" that
 * fits in 78 columns after used, else as RFC 2047 encoded-words of at
 * most 75 characters joined by CRLF SP.  Return as buf_add().
 */
int mime_qp(struct buf *b, const char *s, size_t n);
int mime_base64(struct buf *b, const void *data, size_t n, size_t line);
int mime_clean(struct buf *b, const char *s, size_t n);
int mime_header_text(struct buf *b, const char *s, size_t n, size_t used);
/* The same for a display name: plain only when atext and spaces. */
int mime_header_phrase(struct buf *b, const char *s, size_t n, size_t used);

/*
 * transcript.c and render_<format>.c: the transcript renderers.  Each
 * appends its rendering of t[0..n-1] to b; transcript.c holds what they
 * share.
 */
int render_text(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o);
int render_markdown(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o);
int render_html(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o);
int render_json(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o);
int render_email(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o);

/* Whether m is shown: not a system line unless they are asked for. */
int tr_shown(const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m);
/*
 * The messages of t that are shown, in order: day_line (a printf format
 * with one %s, the local date) before the first of each day, then
 * fn(b, o, m, extra) for the message; extra is scratch space for fn.
 */
typedef int (*tr_message_fn)(struct buf *b,
    const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m, struct buf *extra);
int tr_thread(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o, const char *day_line,
    tr_message_fn fn);
/* The label of m's role: o->labels, else User, Assistant, Agent, System. */
const char *tr_label(const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m);
/*
 * Local times: tr_clock() "10:30:15", tr_date() "2026-11-20",
 * tr_datetime() "2026-11-20 10:30:15 +01:00", into buf of TR_TIMESZ.
 */
#define TR_TIMESZ 96
char *tr_clock(char *buf, int64_t ms);
char *tr_date(char *buf, int64_t ms);
char *tr_datetime(char *buf, int64_t ms);
/* "ended (user)": the status and how it ended, cut to size bytes. */
char *tr_status(char *buf, size_t size, const struct convo_transcript *t);
/*
 * What a message shows when it has no text, or besides it: "[button]
 * Opening hours" for a click, "[image] receipt.jpg" for an attachment,
 * into b (cleared first); empty when neither.
 */
int tr_extra(struct buf *b, const struct convo_transcript_msg *m);
/*
 * The length of the http:// or https:// URL at s[0..n), or 0: it runs
 * to white space, a control, < > " ' or `, less trailing punctuation.
 * Only at a word's start (at is the offset of s in its text).
 */
size_t tr_url(const char *s, size_t n, size_t at);
/*
 * What a line of a message is: blank, "- item" (or "* item"), "1. item",
 * or a line of a paragraph.  *content is where the item's text starts.
 */
enum tr_line { TR_BLANK, TR_BULLET, TR_NUMBERED, TR_PARA };
enum tr_line tr_line_kind(const char *s, size_t n, size_t *content);
/* Appends s with its URLs as links, all escaped for HTML. */
int tr_html_inline(struct buf *b, const char *s, size_t n);

/*
 * reader.c: reads a stream line by line, with line numbers, and rejects
 * lines over CONVO_MAX_RECORD, NUL bytes and invalid UTF-8.  The first
 * bytes can be looked at before reading (format detection).  Or it hands
 * out the raw bytes in chunks, unchecked, for a parser that must not be
 * bound by line length; such a parser counts lines itself.
 *
 * A reader is read by lines or by chunks: reader_read() may follow
 * reader_line() (it goes on after the last line), but once a chunk has
 * been read, reader_line() returns CONVO_EINTERNAL.  reader_peek() can
 * be called at any time.
 */
struct reader;

int reader_new(struct reader **out, FILE *fp);
void reader_free(struct reader *r);

/*
 * Fills *head with up to n bytes from the start of the input without
 * consuming them (n at most 64 KiB).  *len is set to the bytes available.
 */
int reader_peek(struct reader *r, const char **head, size_t *len, size_t n);

/*
 * Reads the next line.  *line points to it (NUL-terminated, without the
 * line ending; a trailing CR is removed) and is valid until the next call.
 * Returns 1 for a line, 0 at the end of input, CONVO_EIO on a read error,
 * CONVO_EDATA when the line is bad: then *why is a static reason and *col
 * the 1-based column where it went wrong, and the line is skipped, so the
 * next call reads the following line.
 */
int reader_line(struct reader *r, const char **line, size_t *len,
    const char **why, long *col);

/*
 * Reads the next chunk of raw bytes: 64 KiB (less only at the end), from
 * the first byte not yet consumed, with no check or change at all (a BOM,
 * CRs, NUL bytes and invalid UTF-8 come as they are; a UTF-8 sequence or
 * a CRLF may be cut between chunks).  *p is valid until the next call on
 * r.  Returns 1 for a chunk (*len > 0), 0 at the end of input, CONVO_EIO
 * on a read error.
 */
int reader_read(struct reader *r, const char **p, size_t *len);

/*
 * Line number of the line returned last by reader_line() (1-based);
 * chunks from reader_read() are not counted.
 */
long reader_lineno(const struct reader *r);
/* Bytes consumed so far, by lines or chunks. */
uint64_t reader_bytes(const struct reader *r);
/* Whether the last line read ended without a newline (end of file). */
int reader_last_unterminated(const struct reader *r);
/* SHA-256 of all bytes consumed so far, as 64 hex digits and a NUL. */
void reader_sha256_hex(struct reader *r, char hex[65]);

/* Checks UTF-8: returns 0, or the 1-based byte offset of the first bad byte. */
size_t utf8_check(const char *s, size_t len);
/*
 * In escape.c: the length of the character at s[0..n), valid UTF-8, when
 * it is one that moves or hides text, else 0: a C1 control (U+0080 to
 * U+009F, NEL and CSI among them), the line and paragraph separators
 * (U+2028, U+2029), a bidi embedding or override (U+202A to U+202E) or
 * isolate (U+2066 to U+2069).
 */
size_t utf8_disguise(const char *s, size_t n);
/*
 * The bytes at the end of s (0 to 3) that start a UTF-8 sequence which
 * len cuts short, for checking a stream chunk by chunk: the caller holds
 * them back until the rest arrives.  Whether the whole sequence is valid
 * is left to utf8_check().
 */
size_t utf8_tail(const char *s, size_t len);

/*
 * Records: what a parser hands to the importer.  Strings are borrowed for
 * the duration of the sink call; NULL means "not stated".  Numbers use the
 * sentinels below for "not stated".
 */
#define CONVO_NUM_NONE INT64_MIN	/* an integer not stated */
#define CONVO_BOOL_NONE (-1)		/* a boolean not stated */

enum convo_role {
	CONVO_ROLE_NONE,
	CONVO_ROLE_USER,
	CONVO_ROLE_ASSISTANT,
	CONVO_ROLE_AGENT,
	CONVO_ROLE_SYSTEM
};

enum convo_handover {
	CONVO_HANDOVER_NONE,
	CONVO_HANDOVER_DIRECT,
	CONVO_HANDOVER_AFTER_FALLBACK,
	CONVO_HANDOVER_OPERATOR_BUTTON
};

enum convo_feedback {
	CONVO_FEEDBACK_NONE,
	CONVO_FEEDBACK_UP,
	CONVO_FEEDBACK_DOWN
};

/* Token and cost usage. */
struct convo_usage {
	int64_t input_tokens;	/* or CONVO_NUM_NONE */
	int64_t output_tokens;	/* or CONVO_NUM_NONE */
	double cost;		/* credits */
	int has_cost;		/* whether cost was stated */
};

/* The conversation-level fields of a record (model.md "The model"). */
struct convo_conv_fields {
	const char *user;
	const char *assistant;
	const char *device;
	const char *browser;
	const char *country;
	const char *region;
	const char *city;
	const char *status;	/* "active", "ended", or NULL */
	int64_t started_at;	/* or CONVO_TIME_NONE */
	int64_t ended_at;	/* or CONVO_TIME_NONE */
	const char *end_reason;
	int csat;		/* 1..5, 0 when not stated */
	struct convo_usage usage;
};

/* One message (model.md, the message table). */
struct convo_msg_fields {
	int64_t ts;		/* required */
	enum convo_role role;	/* required */
	const char *text;	/* may be NULL (a click or media only) */
	size_t text_len;
	const char *click_type;	/* "quick_reply", "link", "button" */
	const char *click_title;
	const char *click_target;
	int fallback;		/* 0, 1 or CONVO_BOOL_NONE */
	const char *intent;
	double confidence;
	int has_confidence;
	const char *agent;	/* AI agent or workflow */
	enum convo_feedback feedback;
	enum convo_handover handover;
	const char *media_type;
	const char *media_name;
	const char *media_url;
	struct convo_usage usage;
};

enum convo_rec_kind {
	CONVO_REC_CONV,		/* conversation fields (a document or start) */
	CONVO_REC_MSG,		/* one message */
	CONVO_REC_HANDOVER,	/* a handover request not tied to a message */
	CONVO_REC_FEEDBACK,	/* thumbs on an assistant message */
	CONVO_REC_CSAT,		/* a satisfaction vote */
	CONVO_REC_SURVEY,	/* a CSAT survey was offered */
	CONVO_REC_LEAD,		/* a lead */
	CONVO_REC_VARIABLE,	/* a conversation variable */
	CONVO_REC_END		/* the conversation ended */
};

/*
 * One record.  Every record names its conversation by id (and source when
 * the input states it).  Only the part matching kind is meaningful; the
 * rest is zeroed by rec_init().
 */
struct convo_rec {
	enum convo_rec_kind kind;
	long line;		/* where the record starts, for diagnostics */
	const char *conv_id;	/* required */
	const char *source;	/* NULL when the record does not say */
	int64_t ts;		/* when the event happened, or CONVO_TIME_NONE */

	struct convo_conv_fields conv;	/* CONV */
	struct convo_msg_fields msg;	/* MSG */
	enum convo_handover handover;	/* HANDOVER: the kind */
	enum convo_feedback feedback;	/* FEEDBACK: up or down */
	long feedback_index;	/* FEEDBACK: 0-based index of the message
				   among the conversation's assistant
				   messages in time order, or -1 for the
				   latest assistant message */
	int csat;		/* CSAT: 1..5 */
	const char *lead_name;	/* LEAD */
	const char *lead_email;
	const char *lead_phone;
	const char *var_name;	/* VARIABLE */
	const char *var_value;
	const char *var_source;	/* "prechat", "extracted", "post", ... */
	const char *end_reason;	/* END */
};

/* Resets rec to "nothing stated". */
void rec_init(struct convo_rec *rec, enum convo_rec_kind kind);

/*
 * Maps names to enums, ignoring case; they return the NONE value for
 * unknown names.  Roles also take the aliases ai and bot (assistant),
 * customer and visitor (user), and operator (agent).
 */
enum convo_role role_from_name(const char *s);
enum convo_handover handover_from_name(const char *s);
enum convo_feedback feedback_from_name(const char *s);
const char *role_name(enum convo_role r);
const char *handover_name(enum convo_handover h);
const char *feedback_name(enum convo_feedback f);

/*
 * The parser context.  A parser reads p->rd, hands each record to
 * p->sink, and reports bad input through parse_error().  A record with any
 * error is not handed on at all: nothing of it is stored.
 *
 * Error handling: after parse_error(), a parser returns CONVO_EDATA unless
 * p->skip_bad is set, in which case it moves on to the next record (the
 * next line, row, array element or message) and carries on.  With
 * skip_bad, a parser that skips a unit larger than a record (a whole
 * conversation document) hands on nothing of it; without, what came
 * before the error may have been handed on, and the caller discards it
 * all (the importer rolls the file back).  A sink error (non-zero
 * return) is returned at once and ends the parse.
 */
struct parser {
	struct reader *rd;
	const char *file;		/* name for diagnostics */
	const char *path_hint;		/* file name, for text dates; may be NULL */
	int skip_bad;
	int64_t date;			/* --date, or CONVO_TIME_NONE */
	int64_t session_gap_ms;
	int (*sink)(void *ctx, const struct convo_rec *rec);
	void *sink_ctx;
	convo_diag_fn diag;
	void *diag_ctx;
	/* The whole options, for the adapters' settings; never NULL. */
	const struct convo_import_options *opt;
	long n_records;			/* records handed on */
	long n_bad;			/* records rejected */
};

/*
 * Reports a positioned error (line, col may be 0) through p->diag and
 * counts a bad record.  Returns CONVO_EDATA, so a parser can write
 * "return parse_error(...)".
 */
int parse_error(struct parser *p, long line, long col, const char *fmt, ...)
    CONVO_PRINTF(4, 5);
/* The same as a warning: does not count a bad record; returns 0. */
int parse_warning(struct parser *p, long line, long col, const char *fmt, ...)
    CONVO_PRINTF(4, 5);

/* Hands a record on; counts it. */
int parse_emit(struct parser *p, const struct convo_rec *rec);

/*
 * Long threads cut into conversations (model.md): whether a message at ts
 * begins a new piece after one at last (CONVO_TIME_NONE: no message yet),
 * by p->session_gap_ms; and the id of a piece that begins at start,
 * "<id>@YYYYMMDDTHHMMSSZ" in UTC, malloc'd into *out.
 */
int thread_cuts(const struct parser *p, int64_t last, int64_t ts);
int thread_piece_id(char **out, const char *id, int64_t start);

/*
 * The parsers, one per format (lib/parse_<format>.c).  Each returns 0,
 * CONVO_EDATA (bad input, diagnostics reported), or another error from
 * the reader or the sink.
 */
int parse_json(struct parser *p);	/* conversation documents */
int parse_events(struct parser *p);	/* event stream */
int parse_csv(struct parser *p);
int parse_text(struct parser *p);
int parse_whatsapp(struct parser *p);
int parse_rasa(struct parser *p);
int parse_botframework(struct parser *p);
int parse_llm(struct parser *p);
int parse_chatwoot(struct parser *p);

/*
 * parse_csv.c: reads the input as RFC 4180 CSV as parse_csv() does (the
 * delimiter guessed from the first line, lines from the reader, a quoted
 * field over lines) and hands each row, the header row first, to fn: its
 * n cells (NUL-terminated, borrowed for the call) and the line it starts
 * on.  fn returns 0, CONVO_EDATA for a bad row (reported; skip_bad
 * skips it once a first row was taken) or another error, which ends it.
 */
typedef int (*csv_row_fn)(void *ctx, long line, const char *const *cells,
    size_t n);
int csv_rows(struct parser *p, csv_row_fn fn, void *ctx);

/*
 * Sniffers, one per parser file: given the first bytes of the input
 * (leading white space and a BOM already skipped, len > 0), each says
 * whether the input looks like its format.  parse_json_sniff() returns
 * CONVO_FMT_JSON, CONVO_FMT_EVENTS or 0; the others 1 or 0.
 */
int parse_json_sniff(const char *head, size_t len);
int parse_text_sniff(const char *head, size_t len);
int parse_csv_sniff(const char *head, size_t len);
/*
 * The adapters' sniffers are asked first, so each must be sure: a native
 * file, or another platform's, must never look like its own.
 */
int parse_whatsapp_sniff(const char *head, size_t len);
int parse_rasa_sniff(const char *head, size_t len);
int parse_botframework_sniff(const char *head, size_t len);
int parse_llm_sniff(const char *head, size_t len);
int parse_chatwoot_sniff(const char *head, size_t len);

/*
 * parse.c: detects the format from the first bytes of the input.
 * Returns the format, or CONVO_FMT_AUTO when it cannot tell; *why then
 * says why ("empty file", "binary file", "unknown format").
 */
enum convo_format parse_detect(const char *head, size_t len, const char **why);

/* Runs the parser for fmt. */
int parse_run(struct parser *p, enum convo_format fmt);

/*
 * rules.c: the derived signals.  Each returns 1 when the rule matches.
 */
int rules_is_fallback(const struct convo_rules *r, const char *text,
    size_t len);
int rules_is_handover(const struct convo_rules *r, const char *text,
    size_t len);
int rules_is_operator(const struct convo_rules *r, const char *text,
    size_t len);
/*
 * The handover a user message carries once imported: the stated one,
 * else what the rules derive from its click or text (r may be NULL);
 * CONVO_HANDOVER_NONE for other roles.  The adapters ask it so that a
 * platform's own handover signal after such a message adds no second
 * request.
 */
enum convo_handover rules_handover_of(const struct convo_rules *r,
    const struct convo_msg_fields *m);
/*
 * Finds the first e-mail address and phone number in text; each out
 * string is malloc'd (the caller frees) or NULL when there is none.
 */
int rules_find_contacts(char **email, char **phone,
    const struct convo_rules *r, const char *text, size_t len);

/*
 * import_queue.c: the records of one import between the parser and the
 * store: the parsing side puts items (copied, strings and all), the
 * storing side gets them in the same order through store, either in a
 * thread of its own (import_queue_drain()) or, unthreaded, from inside
 * import_queue_put() whenever a batch is full.
 */
struct import_item {
	struct convo_rec rec;	/* MSG: msg.text is the text to store */
	/* MSG: what the rules derived, on the parsing side. */
	uint64_t key;		/* identity hash (see import.c) */
	int fallback;		/* 0 or 1 */
	int fallback_derived;	/* 1: the rules decided fallback */
	enum convo_handover handover;
	int handover_derived;	/* 1: the rules found the handover */
	const char *email;	/* a contact the visitor typed, or NULL */
	const char *phone;
};
typedef int (*import_store_fn)(void *ctx, const struct import_item *it);
struct import_queue;

int import_queue_new(struct import_queue **out, int threaded,
    import_store_fn store, void *ctx);
void import_queue_free(struct import_queue *q);
/*
 * Parsing side: copies it into the queue.  Returns what storing failed
 * with, if it did: then the parse must stop.
 */
int import_queue_put(struct import_queue *q, const struct import_item *it);
/*
 * Parsing side, last: status 0 hands on what is left; any other status
 * (the parse failed, and the import will be rolled back) lets the
 * storing side stop at once.  Returns status, else a storing failure.
 */
int import_queue_close(struct import_queue *q, int status);
/* Storing side, threaded: stores until the queue is closed and empty. */
int import_queue_drain(struct import_queue *q);

/*
 * store_write.c: the writes of one import, all inside one transaction
 * that the caller opens with store_begin_import() and ends with
 * store_commit() (or not) and then store_end_import(), which rolls back
 * what was not committed.  Conversations are found by id and source; the
 * rollups of every conversation the import changed are computed by
 * store_import_finish().
 */
struct store_import;

int store_begin(struct convo_store *st);
int store_commit(struct convo_store *st);
void store_rollback(struct convo_store *st);
/* BEGIN IMMEDIATE with foreign keys off; store_end_import() restores. */
int store_begin_import(struct convo_store *st);
void store_end_import(struct convo_store *st);

/* Prepares the statements and adds the import log row. */
int store_import_begin(struct store_import **out, struct convo_store *st,
    const char *file, int64_t now);
void store_import_free(struct store_import *si);

/*
 * Finds or creates rec's conversation (rec->conv_id, rec->source) and, for
 * a CONVO_REC_CONV record, applies the fields it states.
 */
int store_import_conv(int64_t *conv, struct store_import *si,
    const struct convo_rec *rec);

/* A message as stored: the parsed fields plus what the rules derived. */
struct store_msg {
	const struct convo_msg_fields *m;
	const char *text;	/* m->text, or its redacted copy */
	uint64_t key;		/* identity hash of the original message */
	int fallback;		/* 0 or 1 */
	int fallback_derived;	/* 1: the rules decided fallback */
	enum convo_handover handover;
	int handover_derived;	/* 1: the rules found the handover */
};

/* Stores a message unless it is already there; *is_new says which. */
int store_import_msg(int64_t *msg_id, int *is_new, struct store_import *si,
    int64_t conv, const struct store_msg *sm);

/* Applies a HANDOVER, FEEDBACK, CSAT, SURVEY, END or VARIABLE record. */
int store_import_event(struct store_import *si, int64_t conv,
    const struct convo_rec *rec);

/* Stores a lead; derived leads merge into one per conversation. */
int store_import_lead(struct store_import *si, int64_t conv, int64_t ts,
    const char *name, const char *email, const char *phone, int derived);

/*
 * Recomputes the rollups of the touched conversations and their users,
 * fills in the counts of *res and completes the import log row.
 */
int store_import_finish(struct convo_import_result *res,
    struct store_import *si, const char *format, const char *sha256);

/*
 * Creates (once per connection) and empties the temporary tables that
 * list what a write touched (temp.touched, temp.touched_user, ...), for
 * store_rollup().  store_import_begin() calls it; so does a deletion.
 */
int store_touch_reset(struct convo_store *st);

/*
 * store_list.c: hands the conversations listed in temp.doomed (the
 * selection of a deletion) to fn, as convo_store_list() would.
 */
int store_list_doomed(size_t *n_out, struct convo_store *st,
    convo_list_fn fn, void *ctx);

/*
 * store_delete.c: the identity of a forgotten conversation: key hashes
 * its source ("" for none) and id, id_key its id alone, each as 64 hex
 * digits and a NUL.
 */
void store_forget_keys(char key[65], char id_key[65], const char *source,
    const char *id);

/* sha256.c: hashes for the import log. */
struct sha256 {
	uint32_t h[8];
	uint64_t n;
	unsigned char block[64];
	size_t used;
	int fast;	/* the processor's SHA instructions are used */
};
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
/* Writes 64 hex digits and a NUL into hex. */
void sha256_final_hex(struct sha256 *s, char hex[65]);

/*
 * idset.c: a set of 64-bit hashes (of hash64()), for dropping what a file
 * repeats.  idset_add() returns 1 when h is new, 0 when it was there
 * already, or CONVO_ENOMEM.
 */
struct idset {
	uint64_t *slot;
	size_t cap;
	size_t n;
};
void idset_init(struct idset *s);
void idset_release(struct idset *s);
int idset_add(struct idset *s, uint64_t h);

/*
 * strmap.c: a map from strings to pointers, for state kept per
 * conversation or sender id.  strmap_put() copies the key and stores
 * value (replacing the old one, which it does not free); it returns 0 or
 * CONVO_ENOMEM, and then the map is as before.  strmap_get() returns the
 * value, or NULL when key is not there.  strmap_release() frees the keys
 * and hands each value to free_value, when not NULL.
 */
struct strmap_entry;
struct strmap {
	struct strmap_entry *slot;
	size_t cap;
	size_t n;
};
void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m, void (*free_value)(void *));
void *strmap_get(const struct strmap *m, const char *key);
int strmap_put(struct strmap *m, const char *key, void *value);

/*
 * normalize.c: message text as convo-stats groups it (top_questions,
 * top_not_understood): letters folded to lower case, every run of white
 * space made one space, white space and punctuation cut at both ends.
 * text_normalize() writes the normalized form of s (n bytes) into out (n
 * bytes at least) and returns its length, 0 when nothing is left.
 * text_key() is hash64(HASH64_INIT, ...) of that form, 1 for a hash of 0,
 * and 0 when nothing is left: the store's conversation.opening_key.
 */
size_t text_normalize(char *out, const unsigned char *s, size_t n);
uint64_t text_key(const unsigned char *s, size_t n);

/* 64-bit FNV-1a, used for message identity keys. */
uint64_t hash64(uint64_t h, const void *p, size_t n);
#define HASH64_INIT UINT64_C(14695981039346656037)

#endif /* CONVO_INTERNAL_H */
