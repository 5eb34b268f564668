/*
 * convo-stats: prints the figures of kpis.md for a period beside those
 * of the previous period, and the breakdowns asked for; compares groups
 * (--by), lists the conversations behind a figure (--explain), and
 * gates CI (--check, --baseline).  --html writes the same figures as one
 * self-contained HTML dashboard.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-stats [-h] [-d db] [--all] [--assistant name] "
	    "[--baseline file]\n"
	    "                   [--by field] [--channel name] [--check expr] "
	    "[--color when]\n"
	    "                   [--csv] [--explain figure] [--html] "
	    "[--include-test] [--json]\n"
	    "                   [--min-sample n] [--no-compare] [--now time] "
	    "[--period name]\n"
	    "                   [--reopen-window duration] [--show list] "
	    "[--since time]\n"
	    "                   [--source name] [--status status] "
	    "[--title text]\n"
	    "                   [--tolerance share] [--top n] [--tsv] "
	    "[--tz zone]\n"
	    "                   [--until time] [--user token] [--version]\n");
	if (!full)
		return;
	fputs("\n"
	    "      --all              show every breakdown\n"
	    "      --assistant name   only conversations of this assistant\n"
	    "      --baseline file    fail on figures worse than in this "
	    "--json report\n"
	    "      --by field         figures per source, assistant, channel, "
	    "device,\n"
	    "                         browser, country, region, day, week or "
	    "month\n"
	    "      --channel name     the same as --source\n"
	    "      --check expr       fail unless FIGURE OP NUMBER holds "
	    "(repeatable)\n"
	    "      --color when       charts and colour: auto (default), "
	    "always or never\n"
	    "      --csv              print CSV: figure,value,previous,change\n"
	    "  -d, --db file          the database (default $CONVO_DB, "
	    "else ./convo.db)\n"
	    "      --explain figure   print the ids of the conversations "
	    "behind a figure\n"
	    "  -h, --help             print this help and exit\n"
	    "      --html             print the report as one HTML page\n"
	    "      --include-test     count test_chat traffic too\n"
	    "      --json             print one JSON document\n"
	    "      --min-sample n     pass checks on figures from fewer "
	    "than n cases\n"
	    "      --no-compare       leave out the previous period\n"
	    "      --now time         take this time as now (default: the "
	    "clock)\n"
	    "      --period name      today, yesterday, 7d (default), 30d, "
	    "this-month,\n"
	    "                         last-month or all\n"
	    "      --reopen-window duration\n"
	    "                         reopen_rate's window (default 24h)\n"
	    "      --show list        breakdowns to show, separated by "
	    "commas\n"
	    "      --since time       start of the period (a date or a "
	    "timestamp)\n"
	    "      --source name      only conversations from this source\n"
	    "      --status status    only active or only ended "
	    "conversations\n"
	    "      --title text       the HTML report's title\n"
	    "      --tolerance share  how much worse than the baseline "
	    "passes (default 5%)\n"
	    "      --top n            rows per breakdown (default 10)\n"
	    "      --tsv              print TSV: figure, value, previous, "
	    "change\n"
	    "      --tz zone          cut days in this zone (default $TZ)\n"
	    "      --until time       end of the period, exclusive\n"
	    "      --user token       only conversations of this user\n"
	    "      --version          print the version and exit\n", fp);
}

enum {
	OPT_ALL = 256, OPT_ASSISTANT, OPT_BASELINE, OPT_BY, OPT_CHANNEL,
	OPT_CHECK, OPT_COLOR, OPT_CSV, OPT_EXPLAIN, OPT_HTML, OPT_INCLUDE_TEST,
	OPT_JSON, OPT_MIN_SAMPLE, OPT_NO_COMPARE, OPT_NOW, OPT_PERIOD,
	OPT_REOPEN, OPT_SHOW, OPT_SINCE, OPT_SOURCE, OPT_STATUS, OPT_TITLE,
	OPT_TOLERANCE, OPT_TOP, OPT_TSV, OPT_TZ, OPT_UNTIL, OPT_USER,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "all", no_argument, NULL, OPT_ALL },
	{ "assistant", required_argument, NULL, OPT_ASSISTANT },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "by", required_argument, NULL, OPT_BY },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "check", required_argument, NULL, OPT_CHECK },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "db", required_argument, NULL, 'd' },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "help", no_argument, NULL, 'h' },
	{ "html", no_argument, NULL, OPT_HTML },
	{ "include-test", no_argument, NULL, OPT_INCLUDE_TEST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "min-sample", required_argument, NULL, OPT_MIN_SAMPLE },
	{ "no-compare", no_argument, NULL, OPT_NO_COMPARE },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "reopen-window", required_argument, NULL, OPT_REOPEN },
	{ "show", required_argument, NULL, OPT_SHOW },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "tsv", no_argument, NULL, OPT_TSV },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "user", required_argument, NULL, OPT_USER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

#define MAX_CHECKS 64
#define MAX_SHOW 32

struct args {
	const char *db, *tz, *now, *period, *since, *until, *channel;
	const char *baseline, *explain, *show_list, *color, *title;
	const char *checks[MAX_CHECKS];
	size_t n_checks;
	int all, compare, html, other_format;
	int64_t min_sample;
	double tolerance;
	struct convo_report_options ro;
	struct convo_render_options render;
};

/* Everything worked out before the database is opened. */
struct plan {
	struct convo_check checks[MAX_CHECKS];
	struct convo_figure *baseline;	/* or NULL */
	struct convo_gates gates;	/* the checks and the baseline */
	const char *show[MAX_SHOW + 1];
	int explain;			/* the figure, or -1 */
};

static int
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* The options that take a value; returns an exit status or 0. */
static int
option(struct args *a, int c)
{
	static const char *const statuses[] = { "active", "ended", NULL };
	static const char *const whens[] = { "auto", "always", "never",
		NULL };
	struct convo_query *q = &a->ro.query;
	int64_t n;

	switch (c) {
	case 'd': a->db = optarg; break;
	case OPT_ALL: a->all = 1; break;
	case OPT_ASSISTANT: q->assistant = optarg; break;
	case OPT_BASELINE: a->baseline = optarg; break;
	case OPT_BY:
		if (!one_of(optarg, convo_report_fields()))
			return cli_usage_error("unknown field '%s' for --by",
			    optarg);
		a->ro.by = optarg;
		break;
	case OPT_CHANNEL: a->channel = optarg; break;
	case OPT_CHECK:
		if (a->n_checks == MAX_CHECKS)
			return cli_usage_error("more than %d checks",
			    MAX_CHECKS);
		a->checks[a->n_checks++] = optarg;
		break;
	case OPT_COLOR:
		if (!one_of(optarg, whens))
			return cli_usage_error("invalid --color '%s' (auto, "
			    "always or never)", optarg);
		a->color = optarg;
		break;
	case OPT_CSV: a->render.how = CONVO_OUT_CSV; break;
	case OPT_HTML: a->html = 1; break;
	case OPT_EXPLAIN: a->explain = optarg; break;
	case OPT_INCLUDE_TEST: q->include_test = 1; break;
	case OPT_JSON: a->render.how = CONVO_OUT_JSON; break;
	case OPT_MIN_SAMPLE:
		if (cli_parse_int(&a->min_sample, optarg, 0, INT32_MAX,
		    "minimum sample") != 0)
			return EXIT_USAGE;
		break;
	case OPT_NO_COMPARE: a->compare = 0; break;
	case OPT_NOW: a->now = optarg; break;
	case OPT_PERIOD: a->period = optarg; break;
	case OPT_REOPEN:
		if (cli_parse_duration(&q->reopen_window_ms, optarg,
		    "reopen window") != 0)
			return EXIT_USAGE;
		break;
	case OPT_SHOW: a->show_list = optarg; break;
	case OPT_SINCE: a->since = optarg; break;
	case OPT_SOURCE: q->source = optarg; break;
	case OPT_STATUS:
		if (!one_of(optarg, statuses))
			return cli_usage_error("invalid status '%s' (active "
			    "or ended)", optarg);
		q->status = optarg;
		break;
	case OPT_TITLE: a->title = optarg; break;
	case OPT_TOLERANCE:
		if (convo_share_parse(&a->tolerance, optarg) != 0 ||
		    a->tolerance < 0)
			return cli_usage_error("invalid tolerance '%s' "
			    "(expected a share such as 5%% or 0.05)", optarg);
		break;
	case OPT_TOP:
		if (cli_parse_int(&n, optarg, 1, 100000, "top") != 0)
			return EXIT_USAGE;
		a->ro.top = (size_t)n;
		break;
	case OPT_TSV: a->render.how = CONVO_OUT_TSV; break;
	case OPT_TZ: a->tz = optarg; break;
	case OPT_UNTIL: a->until = optarg; break;
	case OPT_USER: q->user = optarg; break;
	default:
		usage(stderr, 0);
		return cli_try_help();
	}
	return 0;
}

/* The first option given that makes no sense with --html, or NULL. */
static const char *
html_conflict(const struct args *a)
{
	static const char *const formats[] = { NULL, "--csv", "--tsv",
		"--json" };

	if (a->render.how != CONVO_OUT_TABLE)
		return formats[a->render.how];
	if (a->ro.by != NULL)
		return "--by";
	if (a->explain != NULL)
		return "--explain";
	if (a->show_list != NULL || a->all)
		return a->all ? "--all" : "--show";
	return NULL;
}

static int
parse_args(struct args *a, int argc, char **argv)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout, 1);
			exit(cli_close_stdout());
		}
		if (c == OPT_VERSION) {
			printf("convo-stats %s\n", CONVO_VERSION);
			exit(cli_close_stdout());
		}
		if ((rc = option(a, c)) != 0)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (a->period != NULL && (a->since != NULL || a->until != NULL))
		return cli_usage_error("--period cannot be combined with "
		    "--since or --until");
	if (a->channel != NULL && a->ro.query.source != NULL &&
	    strcmp(a->channel, a->ro.query.source) != 0)
		return cli_usage_error("--channel and --source differ: they "
		    "are the same filter");
	if (a->channel != NULL)
		a->ro.query.source = a->channel;
	if (a->explain != NULL && a->ro.by != NULL)
		return cli_usage_error("--explain cannot be combined with --by");
	if (a->html && html_conflict(a) != NULL)
		return cli_usage_error("--html cannot be combined with %s",
		    html_conflict(a));
	if (a->title != NULL && !a->html)
		return cli_usage_error("--title is for --html only");
	return 0;
}

/* Sets the zone, now and the period. */
static int
setup_period(struct args *a)
{
	const char *why, *env = getenv("TZ");
	int64_t now = (int64_t)time(NULL) * 1000;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	a->render.tz = a->tz ? a->tz : env && *env ? env : "localtime";
	if (a->now != NULL && convo_time_parse(&now, &why, a->now) != 0)
		return cli_usage_error("invalid time '%s' for --now: %s",
		    a->now, why);
	if (convo_period_resolve(&a->ro.period, &why, a->period, a->since,
	    a->until, now) != 0)
		return cli_usage_error("invalid period: %s", why);
	a->ro.query.since = a->ro.period.since;
	a->ro.query.until = a->ro.period.until;
	a->ro.query.now = now;
	a->ro.compare = a->compare;
	return 0;
}

/* What the HTML report draws; its trend covers 30 days at least. */
static const char *const html_show[] = {
	"trend", "traffic", "status", "countries", "regions", "cities",
	"clicks", "agents", "top_questions", "top_not_understood", "sources",
	"assistants", NULL
};
#define HTML_TREND_DAYS 30

/* --show and --all (or --html): the breakdown names, checked. */
static int
setup_show(struct plan *p, const struct args *a)
{
	const char *const *names = convo_breakdown_names();
	static char list[4096];
	size_t n = 0;
	char *s, *save = NULL;

	if (a->html)
		for (; html_show[n] != NULL; n++)
			p->show[n] = html_show[n];
	else if (a->all)
		for (; names[n] != NULL && n < MAX_SHOW; n++)
			p->show[n] = names[n];
	else if (a->show_list != NULL) {
		snprintf(list, sizeof(list), "%s", a->show_list);
		for (s = strtok_r(list, ",", &save); s != NULL && n < MAX_SHOW;
		    s = strtok_r(NULL, ",", &save)) {
			if (!one_of(s, names))
				return cli_usage_error("unknown breakdown '%s' "
				    "for --show", s);
			p->show[n++] = s;
		}
	}
	p->show[n] = NULL;
	return 0;
}

/* --check, --explain and --baseline, before any work is done. */
static int
setup_gates(struct plan *p, const struct args *a)
{
	char err[256];
	size_t i;
	FILE *fp;
	int rc;

	for (i = 0; i < a->n_checks; i++)
		if (convo_check_parse(&p->checks[i], err, sizeof(err),
		    a->checks[i]) != 0)
			return cli_usage_error("%s", err);
	p->gates = (struct convo_gates){ p->checks, a->n_checks, NULL,
	    a->tolerance, (double)a->min_sample };
	p->explain = a->explain ? convo_kpi_find(a->explain) : -1;
	if (a->explain != NULL && p->explain < 0)
		return cli_usage_error("unknown figure '%s' for --explain",
		    a->explain);
	if (a->explain != NULL &&
	    !convo_kpi_at((size_t)p->explain)->explainable)
		return cli_usage_error("--explain takes a figure that counts "
		    "conversations, not '%s'", a->explain);
	if (a->baseline == NULL)
		return 0;
	if ((fp = fopen(a->baseline, "r")) == NULL) {
		cli_error("%s: %s", a->baseline, strerror(errno));
		return errno == ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
	}
	if ((p->baseline = calloc(convo_kpi_count(),
	    sizeof(*p->baseline))) == NULL)
		rc = CONVO_ENOMEM;
	else
		rc = convo_report_read(p->baseline, err, sizeof(err), fp);
	p->gates.baseline = p->baseline;
	fclose(fp);
	if (rc != 0)
		cli_error("%s: %s", a->baseline, rc == CONVO_ENOMEM ?
		    convo_strerror(rc) : err);
	return cli_exit_code(rc);
}

/*
 * --color: charts and colour on a terminal unless NO_COLOR is set, or
 * always, or never.
 */
static int
want_color(const char *when)
{
	if (when != NULL && strcmp(when, "always") == 0)
		return 1;
	if (when != NULL && strcmp(when, "never") == 0)
		return 0;
	return cli_color(stdout);
}

/* Prints a gate that failed, or passed for want of data. */
static void
gate_note(void *ctx, const char *what, enum convo_verdict v, const char *msg)
{
	(void)ctx;
	cli_error("%s %s: %s", what, v == CONVO_VERDICT_FAIL ? "failed" :
	    "passed", msg);
}

/* --explain: one id a line. */
static int
explain(struct convo_store *st, const struct args *a, size_t kpi)
{
	struct convo_table *t;
	size_t i;
	int rc;

	if ((rc = convo_kpi_explain(&t, st, &a->ro.query, kpi)) != 0)
		return rc;
	for (i = 0; i < convo_table_rows(t); i++)
		printf("%s\n", convo_table_cell(t, i, 0));
	convo_table_free(t);
	return 0;
}

/*
 * The HTML page.  A failed write is left to cli_close_stdout(), which
 * tells a closed pipe from a full disk.
 */
static int
print_html(const struct convo_report *r, const struct args *a)
{
	struct convo_html_options o = { a->title, a->render.tz,
	    a->ro.query.now, &a->ro.query };
	int rc = convo_report_print_html(stdout, r, &o);

	return rc == CONVO_EIO ? 0 : rc;
}

static int
run(struct convo_store *st, struct args *a, const struct plan *p, int *gate)
{
	struct convo_report *r;
	int rc;

	if (p->explain >= 0)
		return explain(st, a, (size_t)p->explain);
	a->ro.show = p->show;
	a->ro.trend_days = a->html ? HTML_TREND_DAYS : 0;
	if ((rc = convo_report_new(&r, st, &a->ro)) != 0)
		return rc;
	if (a->html)
		rc = print_html(r, a);
	else
		convo_report_print(stdout, r, &a->render);
	*gate = convo_gates_run(&p->gates, r->figures, gate_note, NULL) ?
	    EXIT_GATE : 0;
	convo_report_free(r);
	return rc;
}

int
main(int argc, char **argv)
{
	struct args a = { .compare = 1, .tolerance = 0.05,
	    .ro = { .query = CONVO_QUERY_INIT, .top = 10 } };
	static struct plan p;
	struct convo_store *st = NULL;
	char err[512];
	int rc, gate = 0;

	cli_init(argv[0]);
	if ((rc = parse_args(&a, argc, argv)) != 0 ||
	    (rc = setup_period(&a)) != 0 || (rc = setup_show(&p, &a)) != 0 ||
	    (rc = setup_gates(&p, &a)) != 0) {
		free(p.baseline);
		return rc;
	}
	a.render.color = a.render.graphics = want_color(a.color);
	rc = convo_store_open(&st, err, sizeof(err), cli_db_path(a.db),
	    CONVO_OPEN_READ, CLI_BUSY_MS);
	if (rc != 0)
		cli_error("%s", err);
	else if ((rc = run(st, &a, &p, &gate)) != 0)
		cli_error("%s", rc == CONVO_EUSAGE ? "too many groups for --by "
		    "(at most 1000)" : convo_store_errmsg(st));
	convo_store_close(st);
	free(p.baseline);
	if (rc != 0)
		return cli_exit_code(rc);
	rc = cli_close_stdout();
	return rc ? rc : gate;
}
