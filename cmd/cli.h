/*
 * cli.h: what the commands share and nothing else: the program name, the
 * diagnostic printer, the one table from status to exit code, the
 * database path, time zones, checked numbers, colour and stdout checks.
 */
#ifndef CONVO_CLI_H
#define CONVO_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "convo.h"

/* Exit codes of commands.md (sysexits.h). */
enum {
	EXIT_GATE = 1,		/* a --check gate failed, or an expected "no" */
	EXIT_USAGE = 64,
	EXIT_DATA = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_CANTCREAT = 73,
	EXIT_IOERR = 74
};

/*
 * Saves the basename of argv0 as the program name for diagnostics, and
 * ignores SIGXFSZ so that a file-size limit is an error, not a death.
 */
void cli_init(const char *argv0);
const char *cli_progname(void);

/* Prints "prog: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A convo_diag_fn printing "prog: file:line:col: [warning: ]message". */
void cli_diag(void *ctx, const struct convo_diag *d);

/* The one table from enum convo_status to exit code. */
int cli_exit_code(int status);

/* Prints "try 'prog --help'" to stderr and returns EXIT_USAGE. */
int cli_try_help(void);

/* Prints "prog: message" and the hint above; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --db, else $CONVO_DB, else ./convo.db. */
const char *cli_db_path(const char *opt);

/*
 * Sets the process time zone from --tz (or leaves TZ as it is when zone is
 * NULL).  Returns 0, or -1 for a zone that does not exist.
 */
int cli_set_tz(const char *zone);

/*
 * Formats ms as local time to the minute, "2026-11-20 10:30", for tables
 * read by people, into buf of CLI_TIME_SHORT bytes.  Returns buf.
 */
#define CLI_TIME_SHORT 32
char *cli_time_short(char *buf, int64_t ms);

/*
 * Parses a whole decimal integer in [min, max] into *out.  On error prints
 * "invalid NAME 'S'" and returns -1.
 */
int cli_parse_int(int64_t *out, const char *s, int64_t min, int64_t max,
    const char *name);

/*
 * Parses a duration: a number with a unit s, m, h or d (a bare number is
 * hours) into milliseconds.  On error prints "invalid NAME 'S'" and
 * returns -1.
 */
int cli_parse_duration(int64_t *out, const char *s, const char *name);

/* How long a command waits for a locked database: one minute. */
#define CLI_BUSY_MS 60000

/* Whether to use colour on fp: a TTY and NO_COLOR unset or empty. */
int cli_color(FILE *fp);

/*
 * The width in columns of the terminal that fp writes to, or 0 when fp
 * is not a terminal (then nothing should be cut to fit).
 */
size_t cli_term_width(FILE *fp);

/*
 * Flushes and closes stdout; returns EXIT_IOERR (after a message) when
 * writing failed, except for a closed pipe, else 0.
 */
int cli_close_stdout(void);

#endif /* CONVO_CLI_H */
