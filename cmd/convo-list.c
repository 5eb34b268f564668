/*
 * convo-list: lists conversations, newest first, one line each, with
 * filters on their source, assistant, status, start, user and signals,
 * as a table, CSV, TSV, JSON or bare ids for xargs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-list [-h] [-d db] [-n limit] "
	    "[--assistant name] [--csat-below n]\n"
	    "                  [--csv] [--fallback] [--feedback kind] "
	    "[--handover] [--ids]\n"
	    "                  [--json] [--lead] [--since time] "
	    "[--source name]\n"
	    "                  [--status status] [--text pattern] [--tsv] "
	    "[--tz zone]\n"
	    "                  [--until time] [--user token] [--version]\n");
	if (!full)
		return;
	fputs("\n"
	    "      --assistant name   only those handled by this assistant\n"
	    "      --csat-below n     only those with a CSAT vote below n "
	    "(1 to 5)\n"
	    "      --csv              print CSV (RFC 4180)\n"
	    "  -d, --db file          the database (default $CONVO_DB, "
	    "else ./convo.db)\n"
	    "      --fallback         only those with an assistant fallback\n"
	    "      --feedback kind    only those with thumbs only-positive, "
	    "more-positive,\n"
	    "                         more-negative or only-negative\n"
	    "      --handover         only those with a handover request\n"
	    "  -h, --help             print this help and exit\n"
	    "      --ids              print the ids only, one per line\n"
	    "      --json             print a JSON array of objects\n"
	    "      --lead             only those with a lead\n"
	    "  -n, --limit n          list at most n conversations\n"
	    "      --since time       only those started at or after time\n"
	    "      --source name      only those from this source (channel)\n"
	    "      --status status    only those active or ended\n"
	    "      --text pattern     only those with a message that "
	    "matches pattern\n"
	    "      --tsv              print tab-separated values\n"
	    "      --tz zone          show and read times in this zone "
	    "(default $TZ)\n"
	    "      --until time       only those started before time\n"
	    "      --user token       only those of this user\n"
	    "      --version          print the version and exit\n"
	    "\nTimes are dates (2026-11-20) or timestamps "
	    "(2026-11-20T10:30:00Z).\n", fp);
}

enum {
	OPT_ASSISTANT = 256,
	OPT_CSAT_BELOW,
	OPT_FEEDBACK,
	OPT_SINCE,
	OPT_SOURCE,
	OPT_STATUS,
	OPT_TEXT,
	OPT_TZ,
	OPT_UNTIL,
	OPT_USER,
	OPT_VERSION
};

/* Flags that getopt_long sets itself. */
static int fallback, handover, lead, csv, ids, json, tsv;

static const struct option longopts[] = {
	{ "assistant", required_argument, NULL, OPT_ASSISTANT },
	{ "csat-below", required_argument, NULL, OPT_CSAT_BELOW },
	{ "csv", no_argument, &csv, 1 },
	{ "db", required_argument, NULL, 'd' },
	{ "fallback", no_argument, &fallback, 1 },
	{ "feedback", required_argument, NULL, OPT_FEEDBACK },
	{ "handover", no_argument, &handover, 1 },
	{ "help", no_argument, NULL, 'h' },
	{ "ids", no_argument, &ids, 1 },
	{ "json", no_argument, &json, 1 },
	{ "lead", no_argument, &lead, 1 },
	{ "limit", required_argument, NULL, 'n' },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "tsv", no_argument, &tsv, 1 },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "user", required_argument, NULL, OPT_USER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What the options asked for besides the list options. */
struct args {
	const char *db;
	const char *tz;
	const char *since;
	const char *until;
	const char *text;
	enum convo_output out;
};

/* The columns of a list, and the table the rows go to. */
static const char *const columns[] = {
	"id", "source", "user", "assistant", "status", "started",
	"last_activity", "messages", "preview"
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

struct rows {
	struct convo_table *t;
	enum convo_output out;
};

static int parse_args(struct args *, struct convo_query *,
    struct convo_list_options *, int, char **);
static int setup(const struct args *, struct convo_query *,
    struct convo_list_options *, struct convo_pattern **);
static int list(size_t *, struct convo_store *, const struct args *,
    const struct convo_list_options *);

int
main(int argc, char **argv)
{
	struct convo_list_options opt = CONVO_LIST_OPTIONS_INIT;
	struct convo_query q = CONVO_QUERY_INIT;
	struct convo_pattern *pattern = NULL;
	struct convo_store *st = NULL;
	struct args a = { 0 };
	char err[512];
	size_t n = 0;
	int rc;

	cli_init(argv[0]);
	/* Test traffic is listed like any other: --source picks it out. */
	q.include_test = 1;
	opt.query = &q;
	if ((rc = parse_args(&a, &q, &opt, argc, argv)) != 0 ||
	    (rc = setup(&a, &q, &opt, &pattern)) != 0)
		return rc;
	rc = convo_store_open(&st, err, sizeof(err), cli_db_path(a.db),
	    CONVO_OPEN_READ, CLI_BUSY_MS);
	if (rc != 0)
		cli_error("%s", err);
	else if ((rc = list(&n, st, &a, &opt)) != 0)
		cli_error("%s", rc == CONVO_ENOMEM ? convo_strerror(rc) :
		    convo_store_errmsg(st));
	convo_store_close(st);
	convo_pattern_free(pattern);
	if (rc != 0)
		return cli_exit_code(rc);
	if ((rc = cli_close_stdout()) != 0)
		return rc;
	return n > 0 ? 0 : EXIT_GATE;
}

/* Where an option's argument is kept as given, or NULL. */
static const char **
arg_slot(struct args *a, struct convo_query *q, int c)
{
	return c == 'd' ? &a->db : c == OPT_SINCE ? &a->since :
	    c == OPT_TEXT ? &a->text : c == OPT_TZ ? &a->tz :
	    c == OPT_UNTIL ? &a->until : c == OPT_ASSISTANT ? &q->assistant :
	    c == OPT_SOURCE ? &q->source : c == OPT_STATUS ? &q->status :
	    c == OPT_USER ? &q->user : NULL;
}

/* The options whose argument is read now, and --help and --version. */
static int
parse_option(struct convo_list_options *opt, int c)
{
	int64_t v;
	int f;

	switch (c) {
	case 'h':
		usage(stdout, 1);
		exit(cli_close_stdout());
	case 'n':
		if (cli_parse_int(&v, optarg, 1, INT32_MAX, "limit") != 0)
			return EXIT_USAGE;
		opt->limit = (long)v;
		return 0;
	case OPT_CSAT_BELOW:
		if (cli_parse_int(&v, optarg, 1, 5, "CSAT") != 0)
			return EXIT_USAGE;
		opt->csat_below = (int)v;
		return 0;
	case OPT_FEEDBACK:
		if ((f = convo_list_feedback_from_name(optarg)) <= 0)
			return cli_usage_error("unknown feedback kind '%s' "
			    "(only-positive, more-positive, more-negative, "
			    "only-negative)", optarg);
		opt->feedback = (enum convo_list_feedback)f;
		return 0;
	case OPT_VERSION:
		printf("convo-list %s\n", CONVO_VERSION);
		exit(cli_close_stdout());
	default:
		usage(stderr, 0);
		return cli_try_help();
	}
}

static int
parse_args(struct args *a, struct convo_query *q,
    struct convo_list_options *opt, int argc, char **argv)
{
	const char **slot;
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:hn:", longopts, NULL)) != -1) {
		if (c == 0)
			continue;	/* a flag */
		if ((slot = arg_slot(a, q, c)) != NULL)
			*slot = optarg;
		else if ((rc = parse_option(opt, c)) != 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'",
		    argv[optind]);
	if (q->status != NULL && strcmp(q->status, "active") != 0 &&
	    strcmp(q->status, "ended") != 0)
		return cli_usage_error("unknown status '%s' (active, ended)",
		    q->status);
	if (csv + ids + json + tsv > 1)
		return cli_usage_error("choose one of --csv, --ids, --json "
		    "and --tsv");
	opt->fallback = fallback;
	opt->handover = handover;
	opt->lead = lead;
	a->out = csv ? CONVO_OUT_CSV : json ? CONVO_OUT_JSON :
	    tsv ? CONVO_OUT_TSV : CONVO_OUT_TABLE;
	return 0;
}

static int
parse_time(int64_t *out, const char *s, const char *name)
{
	const char *why;

	if (s != NULL && convo_time_parse(out, &why, s) != 0)
		return cli_usage_error("invalid %s time '%s': %s", name, s,
		    why);
	return 0;
}

/* Sets the zone, then reads the times and the pattern. */
static int
setup(const struct args *a, struct convo_query *q,
    struct convo_list_options *opt, struct convo_pattern **pattern)
{
	char err[256];
	int rc;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	if ((rc = parse_time(&q->since, a->since, "--since")) != 0 ||
	    (rc = parse_time(&q->until, a->until, "--until")) != 0)
		return rc;
	if (a->text == NULL)
		return 0;
	rc = convo_pattern_new(pattern, err, sizeof(err), a->text);
	if (rc == CONVO_EUSAGE)
		return cli_usage_error("invalid pattern '%s': %s", a->text,
		    err);
	if (rc != 0) {
		cli_error("%s", convo_strerror(rc));
		return cli_exit_code(rc);
	}
	opt->text = *pattern;
	return 0;
}

static int
print_id(void *ctx, const struct convo_list_item *it)
{
	(void)ctx;
	printf("%s\n", it->id);
	return 0;
}

/* A time for people to the minute; for machines in full, with offset. */
static int
set_time(struct rows *r, size_t col, int64_t ms)
{
	char buf[CONVO_TIME_BUFSZ + CLI_TIME_SHORT];

	return convo_table_set(r->t, col, r->out == CONVO_OUT_TABLE ?
	    cli_time_short(buf, ms) : convo_time_format_local(buf, ms));
}

static int
add_row(void *ctx, const struct convo_list_item *it)
{
	struct rows *r = ctx;
	int rc;

	if ((rc = convo_table_add_row(r->t)) != 0 ||
	    (rc = convo_table_set(r->t, 0, it->id)) != 0 ||
	    (rc = convo_table_set(r->t, 1, it->source)) != 0 ||
	    (rc = convo_table_set(r->t, 2, it->user)) != 0 ||
	    (rc = convo_table_set(r->t, 3, it->assistant)) != 0 ||
	    (rc = convo_table_set(r->t, 4, it->status)) != 0 ||
	    (rc = set_time(r, 5, it->started_at)) != 0 ||
	    (rc = set_time(r, 6, it->last_activity_at)) != 0 ||
	    (rc = convo_table_setf(r->t, 7, "%ld", it->n_messages)) != 0)
		return rc;
	return convo_table_set(r->t, 8, it->preview);
}

/*
 * Lists as asked.  A table for people shows nothing when nothing
 * matched; CSV and TSV still print their header, JSON an empty array.
 */
static int
list(size_t *n, struct convo_store *st, const struct args *a,
    const struct convo_list_options *opt)
{
	struct rows r = { NULL, a->out };
	int rc;

	if (ids)
		return convo_store_list(n, st, opt, print_id, NULL);
	if ((rc = convo_table_new(&r.t, N_COLUMNS, columns)) != 0)
		return rc;
	/* On a narrow terminal, names and the preview give way, not ids or times. */
	convo_table_set_kind(r.t, 0, CONVO_CELL_FIXED);
	convo_table_set_kind(r.t, 5, CONVO_CELL_FIXED);
	convo_table_set_kind(r.t, 6, CONVO_CELL_FIXED);
	convo_table_set_kind(r.t, 7, CONVO_CELL_NUMBER);
	rc = convo_store_list(n, st, opt, add_row, &r);
	if (rc == 0 && (*n > 0 || a->out != CONVO_OUT_TABLE))
		convo_table_print(stdout, r.t, a->out,
		    a->out == CONVO_OUT_TABLE ? cli_term_width(stdout) : 0);
	convo_table_free(r.t);
	return rc;
}
