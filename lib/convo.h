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
	CONVO_OPEN_READ,	/* must exist; never created or migrated */
	CONVO_OPEN_WRITE,	/* created with its schema if missing, migrated */
	CONVO_OPEN_MEMORY	/* a private in-memory database (dry runs) */
};

/*
 * Opens the database at path: sets WAL mode, foreign keys and a busy
 * timeout of busy_ms, and creates (WRITE mode only) or migrates the
 * schema.  Returns CONVO_ENOENT when a READ database is missing,
 * CONVO_ESCHEMA when it was written by a newer version or is not a convo
 * database, CONVO_ECREATE when it cannot be created or opened.  On
 * failure *out is NULL and err (errlen bytes) says why.
 */
int convo_store_open(struct convo_store **out, char *err, size_t errlen,
    const char *path, enum convo_open_mode mode, int busy_ms);

/* The latest error text of the store, borrowed. Never NULL. */
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
	CONVO_FMT_TEXT		/* plain-text transcript */
};

/* Looks up a format by name ("json", "events", "csv", "text"); -1 if none. */
int convo_format_from_name(const char *name);
const char *convo_format_name(enum convo_format f);

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
};

#define CONVO_IMPORT_OPTIONS_INIT { CONVO_FMT_AUTO, NULL, 0, 0, 0, \
	CONVO_TIME_NONE, INT64_C(86400000), 0, NULL, NULL, NULL, NULL }

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
	CONVO_CELL_TEXT,	/* a JSON string, left-aligned */
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
/* Row count, and a cell (borrowed; NULL when null or out of range). */
size_t convo_table_rows(const struct convo_table *t);
const char *convo_table_cell(const struct convo_table *t, size_t row,
    size_t col);
/*
 * Prints the table to fp.  A null cell shows as "-" in a table, empty in
 * CSV/TSV, null in JSON.  max_width > 0 cuts the last column of a table
 * so that lines fit (a terminal's width); 0 never cuts.
 */
void convo_table_print(FILE *fp, const struct convo_table *t,
    enum convo_output how, size_t max_width);
/* Writes s as a JSON string literal, escaped. */
void convo_json_string(FILE *fp, const char *s);

/*
 * Conversation lifecycle: ending stale conversations (convo-end-stale).
 */
/* (end of the end-stale section) */

/*
 * Finding and deleting conversations (convo-list, convo-delete).
 */
/* (end of the list and delete section) */

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
};

#define CONVO_QUERY_INIT { CONVO_TIME_MIN, CONVO_TIME_MAX, NULL, NULL, \
	NULL, NULL, 0, 0, INT64_C(86400000) }
/* (end of the statistics section) */

#endif /* CONVO_H */
