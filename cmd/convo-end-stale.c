/*
 * convo-end-stale: ends the active conversations that have had no
 * activity for too long, for cron; or lists them (--dry-run), and prints
 * the status breakdown of the database (--stats).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-end-stale [-hq] [-d db] [--csv] [--dry-run] "
	    "[--hours n] [--json]\n"
	    "                       [--minutes n] [--now time] [--stats] "
	    "[--tz zone] [--version]\n");
	if (!full)
		return;
	fputs("\n"
	    "  -d, --db file       the database (default $CONVO_DB, else "
	    "./convo.db)\n"
	    "      --csv           print CSV: the breakdown with --stats, "
	    "else the list\n"
	    "      --dry-run       list what would be ended, change nothing\n"
	    "  -h, --help          print this help and exit\n"
	    "      --hours n       end those idle for more than n hours "
	    "(default 24)\n"
	    "      --json          print one JSON document\n"
	    "      --minutes n     end those idle for more than n minutes\n"
	    "      --now time      take this time as now (default: the "
	    "clock)\n"
	    "  -q, --quiet         print nothing; only the exit status "
	    "tells\n"
	    "      --stats         print the status breakdown after the "
	    "run\n"
	    "      --tz zone       show times in this zone (default $TZ)\n"
	    "      --version       print the version and exit\n", fp);
}

enum {
	OPT_CSV = 256,
	OPT_DRY_RUN,
	OPT_HOURS,
	OPT_JSON,
	OPT_MINUTES,
	OPT_NOW,
	OPT_STATS,
	OPT_TZ,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "db", required_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "help", no_argument, NULL, 'h' },
	{ "hours", required_argument, NULL, OPT_HOURS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "minutes", required_argument, NULL, OPT_MINUTES },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "quiet", no_argument, NULL, 'q' },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

#define MINUTE_MS INT64_C(60000)

struct args {
	const char *db;
	const char *tz;
	const char *now_text;	/* --now as given */
	int64_t now;		/* --now, else the clock: UTC ms */
	int64_t idle_ms;	/* --hours or --minutes */
	int dry_run;
	int quiet;
	int stats;
	enum convo_output how;	/* TABLE, CSV or JSON, the last given */
	struct convo_table *list;	/* what was ended, when it is shown */
};

/* The columns of the list, for people and for machines (also JSON keys). */
static const char *const people[] = { "id", "source", "user",
    "last activity", "idle" };
static const char *const machines[] = { "id", "source", "user",
    "last_activity", "idle_seconds" };

/* --hours and --minutes: a whole number of them; the last one given wins. */
static int
parse_idle(struct args *a, const char *s, int64_t unit_ms, const char *name)
{
	int64_t n;

	if (cli_parse_int(&n, s, 1, 60000000 / (unit_ms / MINUTE_MS), name))
		return EXIT_USAGE;
	a->idle_ms = n * unit_ms;
	return 0;
}

static int
parse_args(struct args *a, int argc, char **argv)
{
	int c, rc = 0;

	while (rc == 0 && (c = getopt_long(argc, argv, "d:hq", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'h':
			usage(stdout, 1);
			exit(cli_close_stdout());
		case 'q':
			a->quiet = 1;
			break;
		case OPT_CSV:
		case OPT_JSON:
			a->how = c == OPT_CSV ? CONVO_OUT_CSV : CONVO_OUT_JSON;
			break;
		case OPT_DRY_RUN:
			a->dry_run = 1;
			break;
		case OPT_HOURS:
		case OPT_MINUTES:
			rc = parse_idle(a, optarg, c == OPT_HOURS ? 60 *
			    MINUTE_MS : MINUTE_MS, c == OPT_HOURS ? "hours" :
			    "minutes");
			break;
		case OPT_NOW:
			a->now_text = optarg;
			break;
		case OPT_STATS:
			a->stats = 1;
			break;
		case OPT_TZ:
			a->tz = optarg;
			break;
		case OPT_VERSION:
			printf("convo-end-stale %s\n", CONVO_VERSION);
			exit(cli_close_stdout());
		default:
			usage(stderr, 0);
			return cli_try_help();
		}
	}
	if (rc == 0 && optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	return rc;
}

/* Sets the zone, then reads --now in it. */
static int
setup_time(struct args *a)
{
	const char *why;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	if (a->now_text == NULL)
		a->now = (int64_t)time(NULL) * 1000;
	else if (convo_time_parse(&a->now, &why, a->now_text) != 0)
		return cli_usage_error("invalid time '%s' for --now: %s",
		    a->now_text, why);
	return 0;
}

/* Local time for people: "2026-11-20 10:30:15". */
static const char *
local_time(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

/*
 * A convo_stale_fn: one row per conversation, with times and idle times
 * for people ("26h 5m") or for machines (RFC 3339, seconds).
 */
static int
add_row(void *ctx, const struct convo_stale_conversation *c)
{
	const struct args *a = ctx;
	int64_t idle = (a->now - c->last_activity_at) / 1000;
	int human = a->how == CONVO_OUT_TABLE, rc;
	char when[CONVO_TIME_BUFSZ];

	if ((rc = convo_table_add_row(a->list)) == 0)
		rc = convo_table_set(a->list, 0, c->ext_id);
	if (rc == 0)
		rc = convo_table_set(a->list, 1, *c->source ? c->source : NULL);
	if (rc == 0)
		rc = convo_table_set(a->list, 2, c->user);
	if (rc == 0)
		rc = convo_table_set(a->list, 3, human ? local_time(when,
		    sizeof(when), c->last_activity_at) :
		    convo_time_format_local(when, c->last_activity_at));
	if (rc == 0)
		rc = human ? convo_table_setf(a->list, 4, "%" PRId64 "h %"
		    PRId64 "m", idle / 3600, idle / 60 % 60) :
		    convo_table_setf(a->list, 4, "%" PRId64, idle);
	return rc;
}

/* The share n / total for people ("60.0%") or machines ("0.6000"). */
static int
set_share(struct convo_table *t, size_t col, long n, long total,
    enum convo_output how)
{
	if (total == 0)
		return convo_table_set(t, col, NULL);
	if (how == CONVO_OUT_TABLE)
		return convo_table_setf(t, col, "%.1f%%", 100.0 * n / total);
	return convo_table_setf(t, col, "%.4f", (double)n / total);
}

/* Prints the breakdown as a table, with bars on a terminal, or as CSV. */
static int
print_breakdown(const struct convo_status_breakdown *b, enum convo_output how)
{
	static const char *const names[] = { "status", "conversations",
	    "share", "" };
	static const char *const rows[] = { "active", "ended", "idle_1h",
	    "idle_24h", "idle_7d" };
	const long n[] = { b->active, b->ended, b->idle_1h, b->idle_24h,
	    b->idle_7d };
	static const char bar[] = "####################";
	long total = b->active + b->ended;
	int bars = how == CONVO_OUT_TABLE && cli_color(stdout), rc;
	struct convo_table *t;
	size_t i;

	if ((rc = convo_table_new(&t, bars ? 4 : 3, names)) != 0)
		return rc;
	convo_table_set_kind(t, 1, CONVO_CELL_NUMBER);
	convo_table_set_kind(t, 2, CONVO_CELL_NUMBER);
	for (i = 0; rc == 0 && i < 5; i++) {
		if ((rc = convo_table_add_row(t)) == 0 &&
		    (rc = convo_table_set(t, 0, rows[i])) == 0 &&
		    (rc = convo_table_setf(t, 1, "%ld", n[i])) == 0)
			rc = set_share(t, 2, n[i], total, how);
		if (rc == 0 && bars && total > 0)
			rc = convo_table_set(t, 3, bar + (sizeof(bar) - 1) -
			    (size_t)(20.0 * n[i] / total + 0.5));
	}
	if (rc == 0)
		convo_table_print(stdout, t, how, 0);
	convo_table_free(t);
	return rc;
}

/* A share in JSON: a number, or null when there is nothing to share. */
static void
json_share(long n, long total)
{
	if (total == 0)
		fputs("null", stdout);
	else
		printf("%.4f", (double)n / total);
}

/* The JSON document: counts, times, the list, and the breakdown. */
static void
print_json(const struct args *a, const struct convo_stale_result *r,
    const struct convo_status_breakdown *b, const struct convo_table *t)
{
	char now[CONVO_TIME_BUFSZ], cutoff[CONVO_TIME_BUFSZ];
	long total = b ? b->active + b->ended : 0;
	size_t i, c;
	const char *s;

	printf("{\n  \"ended\": %ld,\n  \"active\": %ld,\n  \"dry_run\": %s,\n"
	    "  \"now\": \"%s\",\n  \"cutoff\": \"%s\",\n  \"conversations\": [",
	    r->ended, r->active, a->dry_run ? "true" : "false",
	    convo_time_format_local(now, a->now),
	    convo_time_format_local(cutoff, r->cutoff));
	for (i = 0; t != NULL && i < convo_table_rows(t); i++) {
		fputs(i ? ",\n    {" : "\n    {", stdout);
		for (c = 0; c < 5; c++) {
			printf("%s\"%s\": ", c ? ", " : "", machines[c]);
			if ((s = convo_table_cell(t, i, c)) == NULL)
				fputs("null", stdout);
			else if (c == 4)
				fputs(s, stdout);
			else
				convo_json_string(stdout, s);
		}
		putchar('}');
	}
	fputs(i ? "\n  ]" : "]", stdout);
	if (b != NULL) {
		printf(",\n  \"status\": {\"conversations\": %ld, \"active\": "
		    "%ld, \"ended\": %ld, \"active_share\": ", total, b->active,
		    b->ended);
		json_share(b->active, total);
		fputs(", \"ended_share\": ", stdout);
		json_share(b->ended, total);
		printf(", \"idle_1h\": %ld, \"idle_24h\": %ld, \"idle_7d\": "
		    "%ld}", b->idle_1h, b->idle_24h, b->idle_7d);
	}
	fputs("\n}\n", stdout);
}

/* Prints what the run did in the format asked for. */
static int
report(const struct args *a, const struct convo_stale_result *r,
    const struct convo_status_breakdown *b, const struct convo_table *t)
{
	if (a->how == CONVO_OUT_JSON) {
		print_json(a, r, b, t);
		return 0;
	}
	if (a->how == CONVO_OUT_CSV)
		return b ? print_breakdown(b, a->how) :
		    (convo_table_print(stdout, t, a->how, 0), 0);
	if (t != NULL && convo_table_rows(t) > 0)
		convo_table_print(stdout, t, a->how, 0);
	printf(a->dry_run ? "would end %ld conversation%s, %ld would stay "
	    "active\n" : "ended %ld conversation%s, %ld still active\n",
	    r->ended, r->ended == 1 ? "" : "s", r->active);
	if (b == NULL)
		return 0;
	putchar('\n');
	return print_breakdown(b, a->how);
}

int
main(int argc, char **argv)
{
	struct args a = { .idle_ms = 24 * 60 * MINUTE_MS };
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_status_breakdown b;
	struct convo_stale_result r;
	struct convo_store *st;
	char err[512];
	int rc;

	cli_init(argv[0]);
	if ((rc = parse_args(&a, argc, argv)) != 0 ||
	    (rc = setup_time(&a)) != 0)
		return rc;
	/* A missing database has nothing to end: it is not created. */
	if ((rc = convo_store_open(&st, err, sizeof(err), cli_db_path(a.db),
	    CONVO_OPEN_READ, CLI_BUSY_MS)) != 0) {
		cli_error("%s", err);
		return cli_exit_code(rc);
	}
	opt.now = a.now;
	opt.idle_ms = a.idle_ms;
	opt.dry_run = a.dry_run;
	/* The list is only made when it is shown: a plain run just counts. */
	if (!a.quiet && (a.how == CONVO_OUT_JSON || (a.how == CONVO_OUT_CSV &&
	    !a.stats) || (a.how == CONVO_OUT_TABLE && a.dry_run))) {
		opt.each = add_row;
		opt.each_ctx = &a;
		if ((rc = convo_table_new(&a.list, 5, a.how ==
		    CONVO_OUT_TABLE ? people : machines)) == 0)
			convo_table_set_kind(a.list, 4, CONVO_CELL_NUMBER);
	}
	if (rc == 0)
		rc = convo_stale_end(&r, st, &opt);
	if (rc == 0 && a.stats && !a.quiet)
		rc = convo_status_breakdown(&b, st, a.now);
	if (rc != 0)
		cli_error("%s", rc == CONVO_ENOMEM ? convo_strerror(rc) :
		    convo_store_errmsg(st));
	convo_store_close(st);
	if (rc == 0 && !a.quiet &&
	    (rc = report(&a, &r, a.stats ? &b : NULL, a.list)) != 0)
		cli_error("%s", convo_strerror(rc));
	convo_table_free(a.list);
	if (rc != 0)
		return cli_exit_code(rc);
	return cli_close_stdout();
}
