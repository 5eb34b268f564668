/*
 * convo.h: the public API of libconvo, the library behind the convo
 * commands.  The commands in cmd/ include this header and nothing else
 * of lib/.
 *
 * Conventions (see STYLE.md):
 * - Functions that can fail return 0 or a negative enum convo_status.
 * - Out parameters come first.  On failure *out is NULL and nothing leaks.
 * - A returned const pointer is borrowed until the next call on the same
 *   handle or until it is closed; a returned char * belongs to the caller.
 * - The library never prints, exits or reads the environment: data errors
 *   with a position go to the caller's diagnostic callback.
 * - Times are int64_t milliseconds since the Unix epoch, UTC.  Local times
 *   are read and shown in the process's time zone (TZ), which the commands
 *   set from --tz before calling the library.
 */
#ifndef CONVO_H
#define CONVO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONVO_VERSION "0.1.0"

/* Status codes: 0 is success, errors are negative. */
enum convo_status {
	CONVO_OK = 0,
	CONVO_ENOMEM = -1,	/* out of memory */
	CONVO_EDATA = -2,	/* bad input data (diagnostics were reported) */
	CONVO_EIO = -3,		/* reading input or writing output failed */
	CONVO_EBUSY = -4,	/* the database stayed locked past the timeout */
	CONVO_ESCHEMA = -5,	/* database written by a newer version */
	CONVO_EDB = -6,		/* any other database error */
	CONVO_ENOENT = -7,	/* input file missing */
	CONVO_EUSAGE = -8,	/* invalid argument from the caller */
	CONVO_ECREATE = -9,	/* cannot create or open the database */
	CONVO_EINTERNAL = -10,	/* a bug: an invariant did not hold */
	CONVO_ENOTFOUND = -11	/* the thing asked for does not exist */
};

/* Returns a static, lower-case description of a status code. */
const char *convo_strerror(int status);

/* Severity of a diagnostic. */
enum convo_severity {
	CONVO_SEV_ERROR,	/* the record or file is rejected */
	CONVO_SEV_WARNING	/* stored, but something was dropped or guessed */
};

/*
 * A positioned diagnostic.  file is the name as given ("-" for standard
 * input); line and col are 1-based, 0 when unknown.  All strings are
 * borrowed for the duration of the callback.
 */
struct convo_diag {
	const char *file;
	long line;
	long col;
	enum convo_severity severity;
	const char *message;
};

typedef void (*convo_diag_fn)(void *ctx, const struct convo_diag *d);

/*
 * Timestamps.
 */

/* Lowest and highest accepted time: 2000-01-01 and 2100-01-01 UTC. */
#define CONVO_TIME_MIN INT64_C(946684800000)
#define CONVO_TIME_MAX INT64_C(4102444800000)
/* "No time": a field that is not set. */
#define CONVO_TIME_NONE INT64_MIN

/*
 * Parses an RFC 3339 / ISO 8601 timestamp ("2026-11-20T10:30:15Z", with an
 * offset, fractional seconds, a space instead of 'T', or no offset: then it
 * is local time in the process's zone, DST-correct) or a bare date
 * ("2026-11-20", local midnight).  Returns 0 and sets *out, or CONVO_EDATA
 * with *why set to a static reason.  Times outside
 * [CONVO_TIME_MIN, CONVO_TIME_MAX) are rejected as absurd.
 */
int convo_time_parse(int64_t *out, const char **why, const char *s);

/*
 * Converts a Unix epoch number: seconds, or milliseconds when the value is
 * too large to be seconds (above 1e11).  Same range check as above.
 */
int convo_time_from_epoch(int64_t *out, const char **why, double v);

/*
 * Converts local wall-clock fields (month 1-12) in the process's zone to
 * UTC milliseconds.  An ambiguous time (the repeated hour when clocks go
 * back) takes the earlier instant; a time that does not exist (skipped
 * when clocks go forward) is moved forward by the gap, as mktime does.
 */
int64_t convo_time_local(int year, int month, int day, int hour, int min,
    int sec, int ms);

/*
 * Formats ms as RFC 3339 UTC ("2026-11-20T10:30:15Z", ".123" added when
 * there are milliseconds) into buf of at least CONVO_TIME_BUFSZ bytes.
 * Returns buf.
 */
#define CONVO_TIME_BUFSZ 40
char *convo_time_format_utc(char *buf, int64_t ms);

/* The same in local time with its offset ("2026-11-20T11:30:15+01:00"). */
char *convo_time_format_local(char *buf, int64_t ms);

/*
 * The store: one SQLite database.
 */
struct convo_store;

enum convo_open_mode {
	CONVO_OPEN_READ,	/* must exist: never created, but migrated */
	CONVO_OPEN_WRITE,	/* created with its schema if missing, migrated */
	CONVO_OPEN_MEMORY	/* a private in-memory database (dry runs) */
};

/*
 * Opens the database at path: sets WAL mode, foreign keys and a busy
 * timeout of busy_ms, and creates (WRITE mode only) or migrates the
 * schema.  Returns CONVO_ENOENT when a READ database is missing,
 * CONVO_ESCHEMA when it was written by a newer version or is not a convo
 * database, CONVO_ECREATE when it cannot be created or opened.  On
 * failure *out is NULL and err (errlen bytes) says why, after the path:
 * "convo.db: file is not a database".  Commands that open a new database
 * at once all succeed: the schema is created once.
 */
int convo_store_open(struct convo_store **out, char *err, size_t errlen,
    const char *path, enum convo_open_mode mode, int busy_ms);

/*
 * The latest error text of the store, borrowed; never NULL.  A database
 * error names the database first: "convo.db: database error: database
 * or disk is full".
 */
const char *convo_store_errmsg(const struct convo_store *st);

/* Closes the store; NULL is a no-op. */
void convo_store_close(struct convo_store *st);

/* The schema version this library writes. */
int convo_store_schema_version(void);

/*
 * Rules: the patterns that derive signals from bare transcripts.
 */
struct convo_rules;

/*
 * Compiles rules from text (the rules-file syntax of convo-formats(5)).
 * name is used in diagnostics.  Errors are reported through diag with a
 * line number; returns CONVO_EDATA then.
 */
int convo_rules_new(struct convo_rules **out, const char *text, size_t len,
    const char *name, convo_diag_fn diag, void *diag_ctx);

/* The built-in English defaults (the same text as rules/default.rules). */
const char *convo_rules_default_text(void);

/* Frees the rules; NULL is a no-op. */
void convo_rules_free(struct convo_rules *r);

/*
 * Replaces e-mail addresses, phone numbers and card numbers in text with
 * "[email]", "[phone]" and "[card]".  Returns a new string the caller
 * frees, or NULL when out of memory.
 */
char *convo_rules_redact(const struct convo_rules *r, const char *text,
    size_t len);

/*
 * The importer.
 */

/* Input formats; CONVO_FMT_AUTO detects from the content. */
enum convo_format {
	CONVO_FMT_AUTO,
	CONVO_FMT_JSON,		/* conversation documents: array, object, JSONL */
	CONVO_FMT_EVENTS,	/* event stream, JSON Lines */
	CONVO_FMT_CSV,		/* one row per message */
	CONVO_FMT_TEXT,		/* plain-text transcript */
	/* Platform adapters (convo-formats(5)). */
	CONVO_FMT_WHATSAPP,	/* WhatsApp "Export chat" text */
	CONVO_FMT_RASA,		/* Rasa trackers, rasa export, SQL events */
	CONVO_FMT_BOTFRAMEWORK,	/* Bot Framework / Copilot Studio activities */
	CONVO_FMT_LLM,		/* OpenAI, ShareGPT, ChatGPT, Claude logs */
	CONVO_FMT_CHATWOOT	/* Chatwoot conversations */
};

/*
 * Looks up a format by name ("json", "events", "csv", "text", "whatsapp",
 * "rasa", "botframework", "llm", "chatwoot"); -1 if none.
 */
int convo_format_from_name(const char *name);
const char *convo_format_name(enum convo_format f);

/* The order of day, month and year in dates such as 03/04/25. */
enum convo_date_order {
	CONVO_DATE_ORDER_AUTO,	/* inferred per file from fields above 12 */
	CONVO_DATE_ORDER_DMY,
	CONVO_DATE_ORDER_MDY,
	CONVO_DATE_ORDER_YMD
};

struct convo_import_options {
	enum convo_format format;
	const struct convo_rules *rules;	/* NULL: no derived signals */
	int skip_bad;		/* store good records, report bad ones */
	int dry_run;		/* roll back instead of committing */
	int redact;		/* redact message text before storing */
	int64_t date;		/* local midnight for text transcripts, or NONE */
	int64_t session_gap_ms;	/* cut long threads at gaps above this */
	int64_t now;		/* the time recorded in the import log */
	convo_diag_fn diag;	/* receives every diagnostic */
	void *diag_ctx;
	/* Called now and then with bytes read so far; may be NULL. */
	void (*progress)(void *ctx, const char *file, uint64_t bytes);
	void *progress_ctx;
	/* What the platform adapters cannot tell from the export itself. */
	enum convo_date_order date_order;	/* WhatsApp dates */
	const char *const *assistants;	/* authors who are the assistant */
	size_t n_assistants;
	const char *const *agents;	/* authors who are human agents */
	size_t n_agents;
	/* Rasa actions that hand over to a human; NULL: the defaults. */
	const char *const *handover_actions;
	size_t n_handover_actions;
	/*
	 * 1: parse in a thread of its own while the calling thread stores
	 * (diag and progress are then called from that thread, never at
	 * the same time); 0: one thread does both in turn.
	 */
	int threads;
};

#define CONVO_IMPORT_OPTIONS_INIT { CONVO_FMT_AUTO, NULL, 0, 0, 0, \
	CONVO_TIME_NONE, INT64_C(86400000), 0, NULL, NULL, NULL, NULL, \
	CONVO_DATE_ORDER_AUTO, NULL, 0, NULL, 0, NULL, 0, 1 }

/* What one file's import did. */
struct convo_import_result {
	enum convo_format format;	/* as detected or forced */
	long conversations_new;
	long conversations_updated;	/* existing ones that changed */
	long messages_new;
	long records;			/* records read */
	long skipped;			/* bad records skipped (--skip-bad) */
	uint64_t bytes;
};

/*
 * Imports one file (name "-" for fp = standard input) in one transaction.
 * name is used in diagnostics and the import log.  Without skip_bad, any
 * bad record rolls the whole file back and returns CONVO_EDATA; with it,
 * good records are kept and CONVO_EDATA is returned when any was skipped.
 * The result is filled in either way.
 */
int convo_import_file(struct convo_import_result *out, struct convo_store *st,
    FILE *fp, const char *name, const struct convo_import_options *opt);

/*
 * Tables: what the commands print, built row by row and rendered in the
 * output format asked for, so that every format carries the same cells.
 */
struct convo_table;

enum convo_output {
	CONVO_OUT_TABLE,	/* aligned columns for people */
	CONVO_OUT_CSV,		/* RFC 4180, CRLF line ends */
	CONVO_OUT_TSV,		/* tab-separated, tabs in cells become spaces */
	CONVO_OUT_JSON		/* an array of objects keyed by column name */
};

enum convo_cell_kind {
	CONVO_CELL_TEXT,	/* a JSON string, left-aligned, cut to fit */
	CONVO_CELL_FIXED,	/* the same, never cut (ids, times) */
	CONVO_CELL_NUMBER	/* a JSON number, right-aligned */
};

/* A new empty table with n_cols columns named names[0..n_cols-1]. */
int convo_table_new(struct convo_table **out, size_t n_cols,
    const char *const *names);
/* Frees the table; NULL is a no-op. */
void convo_table_free(struct convo_table *t);
/* Sets how a column is rendered (text by default). */
void convo_table_set_kind(struct convo_table *t, size_t col,
    enum convo_cell_kind kind);
/* Appends an empty row (all cells null); the set calls fill it. */
int convo_table_add_row(struct convo_table *t);
/* Sets a cell of the last row to a copy of text; NULL makes it null. */
int convo_table_set(struct convo_table *t, size_t col, const char *text);
int convo_table_setf(struct convo_table *t, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Column count, a column's name (borrowed) and kind. */
size_t convo_table_cols(const struct convo_table *t);
const char *convo_table_name(const struct convo_table *t, size_t col);
enum convo_cell_kind convo_table_kind(const struct convo_table *t,
    size_t col);
/* Row count, and a cell (borrowed; NULL when null or out of range). */
size_t convo_table_rows(const struct convo_table *t);
const char *convo_table_cell(const struct convo_table *t, size_t row,
    size_t col);
/*
 * Prints the table to fp.  A null cell shows as "-" in a table, empty in
 * CSV/TSV, null in JSON.  max_width > 0 cuts the last column of a table
 * so that lines fit (a terminal's width); 0 never cuts.  Cells are shown
 * inert: in a table and TSV tabs and line ends are spaces, and there and
 * in CSV other controls, the characters that reorder text and bytes that
 * are not UTF-8 are U+FFFD; JSON escapes them (convo_json_string()).
 */
void convo_table_print(FILE *fp, const struct convo_table *t,
    enum convo_output how, size_t max_width);
/*
 * Writes s as a JSON string literal, escaped: controls, C1 controls,
 * U+2028, U+2029 and the bidi controls as \u escapes, bytes that are not
 * UTF-8 as U+FFFD.
 */
void convo_json_string(FILE *fp, const char *s);

/*
 * Conversation lifecycle: ending stale conversations (convo-end-stale).
 *
 * A conversation is stale when it is active and its last activity (its
 * last message or event of any kind) is more than idle_ms before now:
 * strictly before the cutoff now - idle_ms.  Ending it sets status
 * 'ended', ended_at = now and end_reason 'stale'.  A later import that
 * brings activity newer than it had reopens it (see store_rollup.c).
 *
 * A run is one transaction.  A real run first takes the write lock
 * (BEGIN IMMEDIATE, waiting up to the store's busy timeout), then counts,
 * lists and ends in that one transaction, with the staleness check in
 * the UPDATE itself: a conversation that an import touches meanwhile is
 * either seen with its new activity or not touched.  An interrupted run
 * (a signal, kill -9, a crash) leaves all of its changes or none.
 */

/* One conversation ended, or that a dry run would end. */
struct convo_stale_conversation {
	const char *ext_id;		/* the exporting system's id */
	const char *source;		/* its channel; "" when none */
	const char *user;		/* the user's token; NULL when none given */
	int64_t last_activity_at;	/* its last activity, UTC ms */
};

/*
 * Receives each conversation, oldest activity first, with its strings
 * borrowed for the call.  It is called inside the transaction, before it
 * commits: the caller keeps what it needs and shows it only once
 * convo_stale_end has succeeded.  Returns 0 to go on, or a negative
 * enum convo_status to stop: the run is then rolled back and
 * convo_stale_end returns that status.
 */
typedef int (*convo_stale_fn)(void *ctx,
    const struct convo_stale_conversation *c);

struct convo_stale_options {
	int64_t now;		/* "now", UTC ms; not CONVO_TIME_NONE */
	int64_t idle_ms;	/* end those idle for more than this (>= 0) */
	int dry_run;		/* only count and list: a read transaction */
	convo_stale_fn each;	/* NULL: do not list (cheaper) */
	void *each_ctx;
};

#define CONVO_STALE_OPTIONS_INIT { CONVO_TIME_NONE, INT64_C(86400000), 0, \
	NULL, NULL }

/* What a run did, or with dry_run would do. */
struct convo_stale_result {
	int64_t cutoff;		/* now - idle_ms, UTC ms */
	long ended;		/* conversations ended (dry run: would be) */
	long active;		/* still active after it (dry run: would be) */
};

/*
 * Ends every stale conversation, or with opt->dry_run only counts them,
 * calling opt->each for each one when it is not NULL.  Returns 0 and
 * fills *out; CONVO_EBUSY when the database stayed locked past the busy
 * timeout, CONVO_EUSAGE for a bad option, CONVO_EDB and the like (see
 * convo_store_errmsg); then nothing was changed, and *out counts
 * nothing and has cutoff CONVO_TIME_NONE.
 */
int convo_stale_end(struct convo_stale_result *out, struct convo_store *st,
    const struct convo_stale_options *opt);

/* The status breakdown: every conversation by status, and idle times. */
struct convo_status_breakdown {
	long active;		/* status 'active' */
	long ended;		/* status 'ended' */
	long idle_1h;		/* active, last activity more than 1 h ago */
	long idle_24h;		/* ... more than 24 h ago */
	long idle_7d;		/* ... more than 7 days ago */
};

/*
 * Counts the breakdown of the whole database as of now (UTC ms), in one
 * read.  Returns 0, or a store error (then *out is all zero).
 */
int convo_status_breakdown(struct convo_status_breakdown *out,
    struct convo_store *st, int64_t now);
/* (end of the end-stale section) */

/*
 * Finding and deleting conversations (convo-list, convo-delete).
 *
 * A list is read in one statement and handed out row by row, newest
 * first: by last activity (last message or event of any kind), then by
 * start.  A deletion is one transaction (BEGIN IMMEDIATE): the
 * conversations go with their messages, events, leads and variables,
 * users left without conversations go too, and the import log gets a
 * row with the counts and the kind of selector, never the ids or the
 * user token.
 */

/*
 * A search pattern: PCRE2 syntax, UTF-8, case-sensitive unless it says
 * (?i).  Compiled once, matched against many texts.
 */
struct convo_pattern;

/*
 * Compiles pattern.  Returns 0, CONVO_ENOMEM, or CONVO_EUSAGE for a bad
 * pattern, with err (errlen bytes) saying what is wrong and at which
 * column.  On failure *out is NULL.
 */
int convo_pattern_new(struct convo_pattern **out, char *err, size_t errlen,
    const char *pattern);

/*
 * Whether p matches anywhere in text (len bytes; NULL never matches).
 * Invalid UTF-8 never matches a character; a match error is no match.
 * Not for use by two threads at once: the match data is shared.
 */
int convo_pattern_match(const struct convo_pattern *p, const char *text,
    size_t len);

/* Frees the pattern; NULL is a no-op. */
void convo_pattern_free(struct convo_pattern *p);

/* The --feedback filter, by thumbs counts (up, down) of a conversation. */
enum convo_list_feedback {
	CONVO_LIST_FEEDBACK_ANY,	/* no filter */
	CONVO_LIST_FEEDBACK_ONLY_POSITIVE,	/* up > 0, down = 0 */
	CONVO_LIST_FEEDBACK_MORE_POSITIVE,	/* down > 0, up > down */
	CONVO_LIST_FEEDBACK_MORE_NEGATIVE,	/* up > 0, down > up */
	CONVO_LIST_FEEDBACK_ONLY_NEGATIVE	/* down > 0, up = 0 */
};

/*
 * Looks up a --feedback kind by name ("only-positive", "more-positive",
 * "more-negative", "only-negative"); -1 when there is none.
 */
int convo_list_feedback_from_name(const char *name);

struct convo_query;	/* defined with the statistics below */

/* Which conversations to list; every filter set must hold. */
struct convo_list_options {
	/*
	 * The period (on started_at) and the filters on source, assistant,
	 * status and user; NULL lists every conversation.  Test traffic is
	 * left out unless query->include_test is set.
	 */
	const struct convo_query *query;
	int handover;		/* 1: with a handover request */
	int lead;		/* 1: with a lead */
	int fallback;		/* 1: with an assistant fallback */
	enum convo_list_feedback feedback;
	int csat_below;		/* > 0: with a CSAT vote below this */
	const struct convo_pattern *text;	/* a non-system message's */
						/* text matches; NULL: any */
	long limit;		/* at most this many; 0: all */
};

#define CONVO_LIST_OPTIONS_INIT { NULL, 0, 0, 0, CONVO_LIST_FEEDBACK_ANY, \
	0, NULL, 0 }

/* One conversation of a list.  Strings are borrowed for the callback. */
struct convo_list_item {
	const char *id;		/* the exporting system's id */
	const char *source;	/* the channel; NULL when none was given */
	const char *user;	/* the user's token; NULL when none given */
	const char *assistant;	/* NULL when none was given */
	const char *status;	/* "active" or "ended" */
	int64_t started_at;
	int64_t last_activity_at;	/* last message or event of any kind */
	long n_messages;	/* user, assistant and agent messages */
	/*
	 * The last non-system message (its text, else the title of the
	 * click, else the name of the attachment) with every run of white
	 * space made one space: one line.  NULL when there is none.
	 */
	const char *preview;
};

/*
 * Receives each conversation of a list.  Returns 0 to go on, or a
 * negative enum convo_status to stop; the caller returns that status.
 */
typedef int (*convo_list_fn)(void *ctx, const struct convo_list_item *item);

/*
 * Lists the conversations that opt selects, newest first, calling fn for
 * each.  *n_out is set to the number listed.  Returns 0, fn's status, or
 * a store error (see convo_store_errmsg).
 */
int convo_store_list(size_t *n_out, struct convo_store *st,
    const struct convo_list_options *opt, convo_list_fn fn, void *ctx);

/* How convo_store_delete selects. */
enum convo_delete_by {
	CONVO_DELETE_IDS,	/* ids[0..n_ids-1], in source if set */
	CONVO_DELETE_USER,	/* every conversation of the user token */
	CONVO_DELETE_OLDER_THAN	/* last activity before now - days */
};

struct convo_delete_options {
	enum convo_delete_by by;
	const char *const *ids;	/* IDS */
	size_t n_ids;
	const char *source;	/* IDS: only in this source; NULL: any */
	const char *user;	/* USER */
	long days;		/* OLDER_THAN, > 0 */
	int64_t now;		/* OLDER_THAN and the log: "now", UTC ms */
	int dry_run;		/* do it all, then roll back */
	/*
	 * Also remember the deleted conversations' identities (hashes of
	 * source and id only) so that no later import brings them back.
	 */
	int forget;
	convo_list_fn each;	/* gets each one that goes; may be NULL */
	void *each_ctx;
	/*
	 * Receives a warning for each id that names no conversation; may
	 * be NULL.
	 */
	convo_diag_fn diag;
	void *diag_ctx;
};

#define CONVO_DELETE_OPTIONS_INIT { CONVO_DELETE_IDS, NULL, 0, NULL, NULL, \
	0, CONVO_TIME_NONE, 0, 0, NULL, NULL, NULL, NULL }

/* What a deletion removed, or with dry_run would remove. */
struct convo_delete_result {
	long conversations;
	long messages;		/* system lines included */
	long users;		/* users left without conversations */
	long forgotten;		/* identities added to those forgotten */
};

/*
 * Deletes the conversations opt selects, calling opt->each for each one
 * (inside the transaction, before it commits: the caller shows them only
 * once this returns 0).  Returns 0 and fills *out; CONVO_ENOTFOUND when
 * nothing matched (nothing changed, no log row); CONVO_EUSAGE when an id
 * without opt->source names conversations in several sources (nothing
 * changed; convo_store_errmsg says which); a store error otherwise.
 */
int convo_store_delete(struct convo_delete_result *out,
    struct convo_store *st, const struct convo_delete_options *opt);
/* (end of the list and delete section) */

/*
 * Transcripts (convo-transcript): one conversation read whole, and
 * rendered for people as text, Markdown, HTML, JSON or an e-mail.
 *
 * A struct convo_transcript owns every string it points to: they live
 * until convo_transcript_free().  Strings are NUL-terminated copies of
 * what is stored; a NUL byte stored inside a text comes as U+FFFD.  They
 * may still hold invalid UTF-8 or control characters when another tool
 * wrote the database: the renderers replace those (escape.c), so every
 * string is escaped for the place it lands in.
 */

/* One message, as stored. */
struct convo_transcript_msg {
	int64_t ts;		/* when it was sent, UTC ms */
	const char *role;	/* "user", "assistant", "agent", "system" */
	const char *text;	/* NULL when none (a click, an attachment) */
	const char *click_type;	/* quick_reply, link, button; NULL: typed */
	const char *click_title;
	const char *click_target;
	const char *media_type;	/* image, audio, document; NULL: none */
	const char *media_name;
	const char *media_url;
	const char *agent;	/* the AI agent or workflow */
	const char *intent;	/* the NLU result, or NULL */
	double confidence;	/* valid when has_confidence */
	int has_confidence;
	const char *feedback;	/* "up", "down" or NULL */
	const char *handover;	/* direct, after_fallback, operator_button */
	int fallback;		/* 1: the assistant did not understand */
};

/* A lead the visitor left. */
struct convo_transcript_lead {
	int64_t created_at;	/* UTC ms */
	const char *name;	/* each NULL when not given */
	const char *email;
	const char *phone;
	int derived;		/* 1: found in the message text */
};

/* A conversation variable. */
struct convo_transcript_var {
	const char *name;
	const char *value;	/* NULL when none */
	const char *source;	/* prechat, extracted, post, ...; or NULL */
};

struct convo_transcript {
	const char *id;		/* the exporting system's id */
	const char *source;	/* the channel; NULL when none was given */
	const char *user;	/* the user's token; NULL when none given */
	const char *assistant;	/* these six NULL when not given */
	const char *device;
	const char *browser;
	const char *country;
	const char *region;
	const char *city;
	const char *status;	/* "active" or "ended" */
	const char *end_reason;	/* NULL when none */
	int64_t started_at;	/* UTC ms */
	int64_t ended_at;	/* CONVO_TIME_NONE while active */
	int csat;		/* 1..5, 0 when no vote */
	long n_messages;	/* user, assistant and agent messages */
	struct convo_transcript_msg *messages;	/* all, system lines too, */
	size_t n_all;				/* in time order */
	struct convo_transcript_lead *leads;	/* oldest first */
	size_t n_leads;
	struct convo_transcript_var *vars;	/* by name */
	size_t n_vars;
	void *strings;		/* private: what owns the strings */
};

/* How conversations are picked. */
enum convo_transcript_by {
	CONVO_TRANSCRIPT_ID,	/* by id (ext_id), in any source */
	CONVO_TRANSCRIPT_USER,	/* every conversation of a user token */
	CONVO_TRANSCRIPT_LAST	/* the n with the latest activity */
};

/*
 * Finds the conversations that by and what (an id or a user token;
 * ignored for LAST) or n (LAST) select, oldest start first, and appends
 * their keys for convo_transcript_load() to the array *keys of *n_keys
 * elements (NULL and 0 to begin with), which grows; the caller frees
 * it.  An id that names conversations in several sources selects them
 * all.  Returns 0, CONVO_ENOTFOUND when nothing matched, or a store
 * error; on failure *n_keys is as it was (*keys may have moved).
 */
int convo_transcript_find(int64_t **keys, size_t *n_keys,
    struct convo_store *st, enum convo_transcript_by by, const char *what,
    long n);

/*
 * Loads the conversation of key (from convo_transcript_find) with its
 * messages in time order, its leads and its variables, in one read
 * transaction.  Returns 0, CONVO_ENOTFOUND when it is gone, or a store
 * error; on failure *out is NULL.
 */
int convo_transcript_load(struct convo_transcript **out,
    struct convo_store *st, int64_t key);

/* Frees a transcript and its strings; NULL is a no-op. */
void convo_transcript_free(struct convo_transcript *t);

/* Output formats of convo_transcript_render(). */
enum convo_transcript_format {
	CONVO_TRANSCRIPT_TEXT,
	CONVO_TRANSCRIPT_MARKDOWN,
	CONVO_TRANSCRIPT_HTML,
	CONVO_TRANSCRIPT_JSON,
	CONVO_TRANSCRIPT_EMAIL
};

/* "text", "markdown", "html", "json", "email"; -1 for another name. */
int convo_transcript_format_from_name(const char *name);
/* The usual file name extension of a format: "txt", "md", ... */
const char *convo_transcript_format_ext(enum convo_transcript_format f);

struct convo_transcript_options {
	enum convo_transcript_format format;
	int include_system;	/* show system lines (not JSON: it has all) */
	/* Names shown for user, assistant and agent messages; NULL for */
	const char *labels[3];	/* "User", "Assistant", "Agent" */
	const char *brand;	/* on top of HTML, in the subject; or NULL */
	const char *contact;	/* at the bottom of HTML and text; or NULL */
	const char *tz;		/* the zone's name, shown; or NULL */
	/* E-mail only. */
	const char *from;	/* NULL: "convo@localhost" (with the brand) */
	const char *to;		/* NULL: the first lead's e-mail address */
	const char *subject;	/* NULL: names the brand and the date */
	int64_t now;		/* the Date and Message-ID; UTC ms */
};

#define CONVO_TRANSCRIPT_OPTIONS_INIT { CONVO_TRANSCRIPT_TEXT, 0, \
	{ NULL, NULL, NULL }, NULL, NULL, NULL, NULL, NULL, NULL, 0 }

/*
 * Renders the n transcripts t[0..n-1] one after another (text,
 * Markdown), as one page (HTML), one JSON array, or one e-mail whose
 * parts are the text and the HTML rendering.  Times are shown in the
 * process's zone.  Every stored string is escaped for its output.  Sets
 * *out to the rendering (NUL-terminated, *len bytes), which the caller
 * frees.  Returns 0, CONVO_ENOMEM, or CONVO_EDATA past 1 GiB; on failure
 * *out is NULL.
 */
int convo_transcript_render(char **out, size_t *len,
    const struct convo_transcript *const *t, size_t n,
    const struct convo_transcript_options *o);

/*
 * Checks an address list for --to and --from: addresses separated by
 * commas, each "local@domain" (printable ASCII, no space, none of
 * <>()[]\\,;:") or "Display Name <local@domain>" (the name UTF-8 without
 * controls or quotes, at most 200 bytes).  Returns NULL when it is
 * good, else a static reason.  convo_transcript_render() returns
 * CONVO_EUSAGE for an e-mail whose from or to fails this check.
 */
const char *convo_mail_address_check(const char *list);

/*
 * A file name for t's rendering in format f: its id with every byte but
 * letters, digits, '.', '-' and '_' made '_' (a leading '.' too), cut to
 * 100 bytes, then the extension: "L1.eml".  Into buf of size bytes;
 * returns buf.
 */
char *convo_transcript_filename(char *buf, size_t size,
    const struct convo_transcript *t, enum convo_transcript_format f);
/* (end of the transcript section) */

/*
 * Statistics (convo-stats).
 */

/*
 * What a figure or breakdown looks at: the conversations that started in
 * [since, until) and pass the filters, and the messages sent in
 * [since, until) in conversations that pass the filters.  Strings are
 * borrowed; NULL means "any".  Conversations whose source is test_chat
 * are left out unless include_test is set.
 */
struct convo_query {
	int64_t since;		/* inclusive */
	int64_t until;		/* exclusive */
	const char *source;	/* --source and --channel: the channel */
	const char *assistant;
	const char *status;	/* "active" or "ended" */
	const char *user;	/* a user's token */
	int include_test;
	int64_t now;		/* "now", for idle times and windows */
	int64_t reopen_window_ms;	/* reopen_rate's window (24 h) */
	/*
	 * Filters on the widget's fields, for convo-stats --by: the empty
	 * string selects the conversations that have no value.  The same
	 * holds for assistant.
	 */
	const char *device;
	const char *browser;
	const char *country;
	const char *region;
};

#define CONVO_QUERY_INIT { CONVO_TIME_MIN, CONVO_TIME_MAX, NULL, NULL, \
	NULL, NULL, 0, 0, INT64_C(86400000), NULL, NULL, NULL, NULL }

/*
 * Periods (period.c): what --period, --since and --until mean, in the
 * process's zone.  Days are cut at local midnights, DST-correct: a day
 * is 23, 24 or 25 hours long.  No SQL, no I/O.
 */
struct convo_period {
	int64_t since;		/* inclusive; CONVO_TIME_MIN when open */
	int64_t until;		/* exclusive; CONVO_TIME_MAX when open */
	int64_t prev_since;	/* the previous period, compared with; */
	int64_t prev_until;	/* both CONVO_TIME_NONE when there is none */
};

/*
 * Resolves a period at now (UTC ms): by name ("today", "yesterday", "7d",
 * "30d", "this-month", "last-month", "all"), or, when name is NULL, by
 * since and until (a date is its local midnight, else a timestamp as
 * convo_time_parse reads it; until is exclusive; either may be NULL: an
 * open start, or now).  name, since and until all NULL mean "7d".
 *
 * The previous periods: today and this-month run to now and are
 * compared with the same stretch one day (one month) before, a month
 * cut at the end of the shorter month, a day at today's midnight; yesterday, 7d and 30d with as
 * many whole days just before; last-month with the month before; all
 * and a period with an open start with none; since/until with as many
 * whole days just before when both are local midnights, else with the
 * same length just before.
 *
 * Returns 0, or CONVO_EUSAGE with *why a static reason (an unknown name,
 * a bad time, an empty period).
 */
int convo_period_resolve(struct convo_period *out, const char **why,
    const char *name, const char *since, const char *until, int64_t now);

/* Calendar units for splitting a period (--by day, week, month). */
enum convo_period_unit {
	CONVO_PERIOD_DAY,
	CONVO_PERIOD_WEEK,	/* ISO weeks, from Monday 00:00 */
	CONVO_PERIOD_MONTH
};

/* The local start of the day, week or month that holds t. */
int64_t convo_period_start(int64_t t, enum convo_period_unit unit);
/* The local start of the day, week or month after the one at start. */
int64_t convo_period_next(int64_t start, enum convo_period_unit unit);
/*
 * Names the day, week or month that holds t: "2026-11-20", "2026-W47"
 * (ISO 8601 week), "2026-11", into buf of size bytes.  Returns buf.
 */
char *convo_period_label(char *buf, size_t size, int64_t t,
    enum convo_period_unit unit);

/*
 * Arithmetic of the figures (stats.c): no SQL.  NAN stands for "no
 * value" (an empty sample, a zero denominator).
 */

/* Sorts v[0..n-1] ascending, for convo_stats_percentile. */
void convo_stats_sort(double *v, size_t n);

/*
 * The p-quantile (0 <= p <= 1) of the sorted v[0..n-1] by linear
 * interpolation between closest ranks (Hyndman and Fan's type 7, the
 * default of R, NumPy and spreadsheets' PERCENTILE.INC): the value at
 * rank h = (n - 1) p, interpolated between v[floor h] and v[floor h + 1].
 * NAN when n is 0.
 */
double convo_stats_percentile(const double *v, size_t n, double p);

/*
 * The median of the sorted v: the percentile at 0.5 (the mean of the
 * two middle values when n is even).  NAN when n is 0.
 */
double convo_stats_median(const double *v, size_t n);

/*
 * The Wilson score interval at 95% (z = 1.959964) of num successes out
 * of den trials, into *low and *high; both NAN when den is 0.
 */
void convo_stats_wilson(double *low, double *high, double num, double den);

/*
 * The change from prev to cur in percent of prev ((cur - prev) / |prev|
 * * 100): +12.5 for 8 after 7.11.  NAN when either is NAN or prev is 0.
 */
double convo_stats_change(double cur, double prev);

/*
 * Figures (store_kpi.c): every figure of kpis.md, each one entry with
 * its definition.  Figures are numbered 0 .. convo_kpi_count() - 1, in
 * the order of kpis.md; the numbers are stable within one build only,
 * names for ever.
 */
enum convo_unit {
	CONVO_UNIT_COUNT,	/* a whole number */
	CONVO_UNIT_SHARE,	/* a rate: num / den, 0 to 1 */
	CONVO_UNIT_MEAN,	/* any other quotient: per conversation, ... */
	CONVO_UNIT_SECONDS,	/* a duration */
	CONVO_UNIT_MONEY	/* credits */
};

/* Which way a figure should move: what --baseline checks. */
enum convo_direction {
	CONVO_DIR_NEUTRAL,	/* neither way is better: never checked */
	CONVO_DIR_HIGHER,	/* higher is better */
	CONVO_DIR_LOWER		/* lower is better */
};

struct convo_kpi {
	const char *name;	/* as in kpis.md, the table, JSON, --check */
	enum convo_unit unit;
	enum convo_direction direction;
	int explainable;	/* its numerator counts conversations */
};

/* How many figures there are. */
size_t convo_kpi_count(void);
/* Figure i (borrowed, static), or NULL when i is out of range. */
const struct convo_kpi *convo_kpi_at(size_t i);
/* The number of the figure called name, or -1. */
int convo_kpi_find(const char *name);

/* One figure's value for one period. */
struct convo_figure {
	int is_null;		/* no value: a zero denominator, no sample */
	double value;		/* num / den, or the count, sum or median */
	double num;		/* a quotient's numerator and denominator; */
	double den;		/* a median's NAN and sample size; a */
				/* count's or sum's value and NAN */
	double low;		/* shares: the Wilson 95% interval; */
	double high;		/* for the others NAN */
};

/*
 * Computes every figure for the conversations and messages q selects,
 * into out[0 .. convo_kpi_count() - 1].  Reads the conversations'
 * rollups in a few aggregate queries.  Returns 0, or a store error (see
 * convo_store_errmsg) with out all null.
 */
int convo_kpi_compute(struct convo_figure *out, struct convo_store *st,
    const struct convo_query *q);

/*
 * The ids (ext_id) of the conversations behind figure kpi's numerator,
 * oldest first, as a one-column table "id".  Returns CONVO_EUSAGE when
 * the figure is not explainable, else 0 or a store error.
 */
int convo_kpi_explain(struct convo_table **out, struct convo_store *st,
    const struct convo_query *q, size_t kpi);

/*
 * The values that field (source, channel, assistant, device, browser,
 * country, region) takes over the conversations of q, most conversations
 * first, as a table "value", "conversations"; "" stands for none.
 * CONVO_EUSAGE for another field.
 */
int convo_kpi_group_values(struct convo_table **out, struct convo_store *st,
    const struct convo_query *q, const char *field);

/*
 * The first and last start of a conversation that q selects, or
 * CONVO_TIME_NONE for both when there is none.
 */
int convo_kpi_span(int64_t *first, int64_t *last, struct convo_store *st,
    const struct convo_query *q);

/*
 * Reports (report.c): the figures of a period and of the previous one,
 * per group with --by, and the breakdowns asked for.  No SQL of its own.
 */
struct convo_report_options {
	struct convo_query query;	/* filters; since and until are set */
	struct convo_period period;	/* from convo_period_resolve */
	int compare;		/* also the previous period, if it has one */
	const char *by;		/* NULL, or a field as for --by */
	const char *const *show;	/* breakdown names, NULL-terminated */
	size_t top;		/* rows per breakdown */
	int trend_days;		/* 0: the trend over the period; else over
				   at least the n local days up to its end */
};

struct convo_report_group {
	char *value;		/* the field's value or the time's label */
	int64_t since;		/* time groups: the group's own period; */
	int64_t until;		/* CONVO_TIME_NONE for field groups */
	struct convo_figure *figures;	/* convo_kpi_count() of them */
};

struct convo_report {
	struct convo_period period;	/* prev_* NONE when not compared */
	struct convo_figure *figures;	/* convo_kpi_count() of them */
	struct convo_figure *previous;	/* the same, or NULL */
	const char *by;			/* opt->by, borrowed */
	struct convo_report_group *groups;
	size_t n_groups;
	const char **breakdown_names;	/* borrowed from opt->show */
	struct convo_table **breakdowns;
	size_t n_breakdowns;
};

/*
 * Builds a report.  At most 1000 groups: more (--by day over years) is
 * CONVO_EUSAGE, as is an unknown --by field or breakdown name.  Returns
 * 0, or an error with *out NULL.  The caller frees the report.
 */
int convo_report_new(struct convo_report **out, struct convo_store *st,
    const struct convo_report_options *opt);
/* Frees a report; NULL is a no-op. */
void convo_report_free(struct convo_report *r);

/*
 * The fields --by takes, NULL-terminated, static: source, assistant,
 * channel (the same as source), device, browser, country, region, day,
 * week, month.
 */
const char *const *convo_report_fields(void);

/* How to print a report. */
struct convo_render_options {
	enum convo_output how;
	const char *tz;		/* the zone's name, shown and in JSON */
	int color;		/* ANSI colour (a TTY without NO_COLOR) */
	int graphics;		/* sparklines and bars (a TTY) */
};

/*
 * Prints the report (render_report.c).  A table for people: the period,
 * then one line per figure (value, previous, change), then each
 * breakdown under its name.  JSON: the object of kpis.md "Machine-readable
 * output".  CSV/TSV: figure,value,previous,change, then each breakdown
 * after an empty line and a line "# NAME".
 */
void convo_report_print(FILE *fp, const struct convo_report *r,
    const struct convo_render_options *o);

/* What the HTML report shows besides the report's own figures. */
struct convo_html_options {
	const char *title;	/* NULL: "Conversations report" */
	const char *tz;		/* the zone's name, shown */
	int64_t generated;	/* when the report was made, UTC ms */
	const struct convo_query *query;	/* the filters, shown */
};

/*
 * Writes the report as one self-contained HTML page
 * (render_html_report.c): inline CSS and SVG, no script, no external
 * request.  It draws the breakdowns traffic, trend, clicks, agents,
 * sources, assistants, countries, regions, cities, status,
 * top_questions and top_not_understood where the report has them, and
 * "no data" in place of a chart with nothing to draw.  Every text is
 * escaped.  Builds the page in memory and writes it at once: returns 0,
 * CONVO_ENOMEM (nothing written) or CONVO_EIO (a write failed).
 */
int convo_report_print_html(FILE *fp, const struct convo_report *r,
    const struct convo_html_options *o);

/*
 * Writes a figure's value for people, by its unit: "21.3%", "1m 05s",
 * "12.50", "42"; "-" when null.  Returns buf.
 */
char *convo_figure_format(char *buf, size_t size, const struct convo_figure *f,
    enum convo_unit unit);

/*
 * Gates (gate.c): --check, --baseline, --min-sample.
 */
enum convo_check_op {
	CONVO_CHECK_LT, CONVO_CHECK_LE, CONVO_CHECK_GT, CONVO_CHECK_GE,
	CONVO_CHECK_EQ, CONVO_CHECK_NE
};

struct convo_check {
	size_t kpi;		/* the figure */
	enum convo_check_op op;
	double value;		/* "15%" is 0.15 */
};

/*
 * Reads "FIGURE OP VALUE" (white space optional; OP one of < <= > >= ==
 * !=; VALUE a number or a percentage).  Returns 0, or CONVO_EUSAGE with
 * a reason in err (errlen bytes): an unknown figure, a malformed check.
 */
int convo_check_parse(struct convo_check *out, char *err, size_t errlen,
    const char *expr);

/* The outcome of one gate. */
enum convo_verdict {
	CONVO_VERDICT_PASS,
	CONVO_VERDICT_FAIL,
	CONVO_VERDICT_NO_DATA	/* a share's denominator is below min_sample:
				   passes, but is reported */
};

/*
 * Evaluates check c on figure f.  A null figure fails (there is nothing
 * to hold the line) unless its denominator is below min_sample.  Writes
 * what happened into msg ("handover_rate <= 0.15 (is 0.213, 27 of
 * 127)") for a failure or no data.
 */
enum convo_verdict convo_check_eval(char *msg, size_t msglen,
    const struct convo_check *c, const struct convo_figure *f,
    double min_sample);

/*
 * Compares figure kpi with its baseline value: fails when it moved the
 * wrong way (by its direction) by more than tolerance (0.05 for 5%) of
 * the baseline value; from a baseline of 0, any move the wrong way
 * fails.  Neutral figures and a null on either side pass; a share whose
 * denominator is below min_sample is NO_DATA.
 */
enum convo_verdict convo_baseline_eval(char *msg, size_t msglen, size_t kpi,
    const struct convo_figure *cur, const struct convo_figure *base,
    double tolerance, double min_sample);

/* The gates of one run. */
struct convo_gates {
	const struct convo_check *checks;
	size_t n_checks;
	const struct convo_figure *baseline;	/* NULL: none */
	double tolerance;	/* 0.05 for 5% */
	double min_sample;	/* 0: any sample will do */
};

/*
 * Receives each gate that did not simply pass: what is "check" or
 * "baseline", msg says why (see convo_check_eval).  Strings are borrowed
 * for the call.
 */
typedef void (*convo_gate_fn)(void *ctx, const char *what,
    enum convo_verdict v, const char *msg);

/*
 * Evaluates every check of g on the figures f, then compares every
 * figure with the baseline, calling fn for each failure or lack of
 * data.  Returns how many failed.
 */
size_t convo_gates_run(const struct convo_gates *g,
    const struct convo_figure *f, convo_gate_fn fn, void *ctx);

/*
 * Reads a share: a number ("0.15") or a percentage ("15%"), white space
 * around it allowed, as checks and --tolerance take it.  Returns 0, or
 * -1 when s is not one.
 */
int convo_share_parse(double *out, const char *s);

/*
 * Reads a report that convo-stats --json wrote (parse_report.c): its
 * "figures" into out[0 .. convo_kpi_count() - 1] (null for figures it
 * lacks), with num and den from its "detail".  Reads all of fp, at most
 * 64 MiB.  Returns 0, CONVO_EIO, or CONVO_EDATA with a reason in err.
 */
int convo_report_read(struct convo_figure *out, char *err, size_t errlen,
    FILE *fp);

/*
 * Breakdowns (kpis.md "Breakdowns", store_breakdown.c): the names that
 * convo_breakdown() takes, in the order convo-stats shows them,
 * NULL-terminated; static.
 */
const char *const *convo_breakdown_names(void);

/*
 * Builds breakdown name over q into a new table that the caller frees
 * with convo_table_free().  top > 0 keeps the first top rows (sorted by
 * volume, descending, ties by name, a missing value last); 0 keeps all.
 * Counts are number columns.  Local days and hours are those of the
 * process's zone, DST-correct.  The tables and their columns:
 *
 *   traffic          weekday (Mon..Sun, 7 rows always), h00..h23: user
 *                    messages sent in the period by local hour; not cut
 *   trend            day ("YYYY-MM-DD"; "YYYY-Www", ISO weeks, over
 *                    periods of more than 92 local days), conversations
 *                    started, their distinct users, non-system messages
 *                    sent; every day of the period in date order, zero-
 *                    filled, not cut; an open end of the period
 *                    (CONVO_TIME_MIN, CONVO_TIME_MAX) narrows to the data
 *   clicks           type, title, target, clicks (user messages)
 *   agents           agent ("(none)" for assistant messages naming none),
 *                    views (assistant messages), thumbs_up, thumbs_down
 *   sources, assistants, devices, browsers, countries, regions, cities
 *                    the value ("(unknown)" for none or ''),
 *                    conversations, users (distinct)
 *   status           status (active, ended: both always), conversations,
 *                    share (0..1, four decimals; null without any)
 *   top_questions    question (the opening message, normalized: lower
 *                    case, white space runs made one space, white space
 *                    and punctuation cut at both ends), conversations
 *   top_not_understood  message (normalized alike), count: typed user
 *                    messages sent in the period that got a fallback
 *   whatsapp_window  id, user, last_user_message (local "YYYY-MM-DD
 *                    HH:MM"), hours_since (one decimal): active WhatsApp
 *                    conversations passing the filters, of any start
 *                    time, whose last user message is more than 24 h
 *                    before q->now; oldest first
 *
 * The others count conversations started in the period or messages sent
 * in it, in conversations passing q's filters.  Returns 0, CONVO_EUSAGE
 * for an unknown name, or a store error; on failure *out is NULL.
 */
int convo_breakdown(struct convo_table **out, struct convo_store *st,
    const char *name, const struct convo_query *q, size_t top);

/*
 * Optional, before the figures of q: the breakdowns named in show
 * (NULL-terminated, as convo_breakdown() takes them) will be asked for
 * over q next, so that the store computes them with the figures in one
 * pass over the period rather than in passes of their own.  The results
 * are the same either way.
 */
void convo_breakdown_expect(struct convo_store *st,
    const struct convo_query *q, const char *const *show);

/* (end of the statistics section) */

#endif /* CONVO_H */
