/*
 * convo-delete: removes conversations with their messages, events, leads
 * and variables, by id, by user (a privacy request) or by age (a
 * retention policy), in one transaction; --dry-run shows what would go.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-delete [-hq] [-d db] [--dry-run] "
	    "[--forget-forever] [--now time]\n"
	    "                    [--older-than days] [--source name] "
	    "[--tz zone] [--user token]\n"
	    "                    [--version] [id ...]\n");
	if (!full)
		return;
	fputs("\n"
	    "  -d, --db file          the database (default $CONVO_DB, "
	    "else ./convo.db)\n"
	    "      --dry-run          show what would be deleted, delete "
	    "nothing\n"
	    "      --forget-forever   keep later imports from bringing "
	    "them back\n"
	    "  -h, --help             print this help and exit\n"
	    "      --now time         count --older-than from this time "
	    "(default: the clock)\n"
	    "      --older-than days  those whose last activity is older "
	    "than this\n"
	    "  -q, --quiet            print no summary\n"
	    "      --source name      the ids are of this source (channel)\n"
	    "      --tz zone          show and read times in this zone "
	    "(default $TZ)\n"
	    "      --user token       every conversation of this user\n"
	    "      --version          print the version and exit\n"
	    "\nGive ids, --user or --older-than: exactly one of them.\n", fp);
}

enum {
	OPT_DRY_RUN = 256,
	OPT_FORGET,
	OPT_NOW,
	OPT_OLDER_THAN,
	OPT_SOURCE,
	OPT_TZ,
	OPT_USER,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "forget-forever", no_argument, NULL, OPT_FORGET },
	{ "help", no_argument, NULL, 'h' },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "quiet", no_argument, NULL, 'q' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "user", required_argument, NULL, OPT_USER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What the options asked for besides the delete options. */
struct args {
	const char *db;
	const char *tz;
	const char *now;
	int quiet;
	int selectors;		/* ids, --user and --older-than given */
};

/* The columns a dry run shows. */
static const char *const columns[] = {
	"id", "source", "user", "started", "last_activity", "messages"
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static int parse_args(struct args *, struct convo_delete_options *, int,
    char **);
static int setup(const struct args *, struct convo_delete_options *);
static int add_row(void *, const struct convo_list_item *);
static void summary(const struct convo_delete_result *,
    const struct convo_delete_options *);

int
main(int argc, char **argv)
{
	struct convo_delete_options opt = CONVO_DELETE_OPTIONS_INIT;
	struct convo_delete_result res = { 0 };
	struct convo_store *st = NULL;
	struct convo_table *t = NULL;
	struct args a = { 0 };
	char err[512];
	int rc, out;

	cli_init(argv[0]);
	opt.diag = cli_diag;
	if ((rc = parse_args(&a, &opt, argc, argv)) != 0 ||
	    (rc = setup(&a, &opt)) != 0)
		return rc;
	if (opt.dry_run) {
		if ((rc = convo_table_new(&t, N_COLUMNS, columns)) != 0)
			return cli_exit_code(rc);
		convo_table_set_kind(t, 5, CONVO_CELL_NUMBER);
		opt.each = add_row;
		opt.each_ctx = t;
	}
	/* READ: a missing database is not created (it opens read-write). */
	rc = convo_store_open(&st, err, sizeof(err), cli_db_path(a.db),
	    CONVO_OPEN_READ, CLI_BUSY_MS);
	if (rc != 0)
		cli_error("%s", err);
	else if ((rc = convo_store_delete(&res, st, &opt)) != 0 &&
	    rc != CONVO_ENOTFOUND)
		cli_error("%s", rc == CONVO_ENOMEM ? convo_strerror(rc) :
		    convo_store_errmsg(st));
	convo_store_close(st);
	if (rc == 0 && t != NULL)
		convo_table_print(stdout, t, CONVO_OUT_TABLE,
		    cli_term_width(stdout));
	convo_table_free(t);
	if ((rc == 0 || rc == CONVO_ENOTFOUND) && !a.quiet)
		summary(&res, &opt);
	out = cli_close_stdout();
	return rc != 0 ? cli_exit_code(rc) : out;
}

/* Counts a selector; a second one is a usage error. */
static int
selector(struct args *a, struct convo_delete_options *opt,
    enum convo_delete_by by)
{
	opt->by = by;
	if (++a->selectors > 1)
		return cli_usage_error("choose one of ids, --user and "
		    "--older-than");
	return 0;
}

static int
parse_option(struct args *a, struct convo_delete_options *opt, int c)
{
	int64_t days;

	switch (c) {
	case 'd':
		a->db = optarg;
		return 0;
	case 'h':
		usage(stdout, 1);
		exit(cli_close_stdout());
	case OPT_DRY_RUN:
		opt->dry_run = 1;
		return 0;
	case 'q':
		a->quiet = 1;
		return 0;
	case OPT_FORGET:
		opt->forget = 1;
		return 0;
	case OPT_NOW:
		a->now = optarg;
		return 0;
	case OPT_OLDER_THAN:
		if (cli_parse_int(&days, optarg, 1, 36500, "days") != 0)
			return EXIT_USAGE;
		opt->days = (long)days;
		return selector(a, opt, CONVO_DELETE_OLDER_THAN);
	case OPT_SOURCE:
		opt->source = optarg;
		return 0;
	case OPT_TZ:
		a->tz = optarg;
		return 0;
	case OPT_USER:
		opt->user = optarg;
		return selector(a, opt, CONVO_DELETE_USER);
	case OPT_VERSION:
		printf("convo-delete %s\n", CONVO_VERSION);
		exit(cli_close_stdout());
	default:
		usage(stderr, 0);
		return cli_try_help();
	}
}

static int
parse_args(struct args *a, struct convo_delete_options *opt, int argc,
    char **argv)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:hq", longopts, NULL)) != -1)
		if ((rc = parse_option(a, opt, c)) != 0)
			return rc;
	if (optind < argc) {
		opt->ids = (const char *const *)argv + optind;
		opt->n_ids = (size_t)(argc - optind);
		if ((rc = selector(a, opt, CONVO_DELETE_IDS)) != 0)
			return rc;
	}
	if (a->selectors == 0)
		return cli_usage_error("nothing to delete: give ids, --user "
		    "or --older-than");
	if (opt->source != NULL && opt->by != CONVO_DELETE_IDS)
		return cli_usage_error("--source goes with ids only");
	return 0;
}

/* Sets the zone and reads --now in it. */
static int
setup(const struct args *a, struct convo_delete_options *opt)
{
	const char *why;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	if (a->now == NULL)
		opt->now = (int64_t)time(NULL) * 1000;
	else if (convo_time_parse(&opt->now, &why, a->now) != 0)
		return cli_usage_error("invalid --now time '%s': %s", a->now,
		    why);
	return 0;
}

static int
add_row(void *ctx, const struct convo_list_item *it)
{
	struct convo_table *t = ctx;
	char when[CLI_TIME_SHORT];
	int rc;

	if ((rc = convo_table_add_row(t)) != 0 ||
	    (rc = convo_table_set(t, 0, it->id)) != 0 ||
	    (rc = convo_table_set(t, 1, it->source)) != 0 ||
	    (rc = convo_table_set(t, 2, it->user)) != 0 ||
	    (rc = convo_table_set(t, 3, cli_time_short(when,
	    it->started_at))) != 0 ||
	    (rc = convo_table_set(t, 4, cli_time_short(when,
	    it->last_activity_at))) != 0)
		return rc;
	return convo_table_setf(t, 5, "%ld", it->n_messages);
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

static void
summary(const struct convo_delete_result *r,
    const struct convo_delete_options *opt)
{
	printf("%s %ld conversation%s, %ld message%s and %ld user%s",
	    opt->dry_run ? "dry run, nothing deleted: would delete" : "deleted",
	    r->conversations, plural(r->conversations), r->messages,
	    plural(r->messages), r->users, plural(r->users));
	if (opt->forget && r->forgotten > 0)
		printf(", and %s %ld conversation%s forever", opt->dry_run ?
		    "forget" : "forgot", r->forgotten, plural(r->forgotten));
	putchar('\n');
}
