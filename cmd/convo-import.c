/*
 * convo-import: parses chatbot conversation exports and stores them in
 * the database, one transaction per file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-import [-hq] [-d db] [--agent name] "
	    "[--assistant name] [--date date]\n"
	    "                    [--date-order order] [--dry-run] "
	    "[--format name]\n"
	    "                    [--handover-action name] [--progress] "
	    "[--redact] [--rules file]\n"
	    "                    [--session-gap duration] [--skip-bad] "
	    "[--tz zone] [--version]\n"
	    "                    [file ...]\n");
	if (!full)
		return;
	fputs("\n"
	    "  -d, --db file          the database (default $CONVO_DB, "
	    "else ./convo.db)\n"
	    "      --agent name       this author is a human agent "
	    "(repeatable)\n"
	    "      --assistant name   this author is the assistant "
	    "(repeatable)\n"
	    "      --date date        the day of a transcript without one "
	    "(YYYY-MM-DD)\n"
	    "      --date-order order dmy, mdy or ymd: how to read dates "
	    "like 03/04/25\n"
	    "      --dry-run          parse and count, store nothing\n"
	    "      --format name      json, events, csv, text, whatsapp, "
	    "rasa, botframework,\n"
	    "                         llm or chatwoot (default: detected)\n"
	    "      --handover-action name\n"
	    "                         this Rasa action hands over "
	    "(repeatable)\n"
	    "  -h, --help             print this help and exit\n"
	    "      --progress         show progress even when stderr is "
	    "not a terminal\n"
	    "  -q, --quiet            print no summary and no progress\n"
	    "      --redact           replace e-mail addresses, phone and "
	    "card numbers in text\n"
	    "      --rules file       derive signals with these rules "
	    "instead of the defaults\n"
	    "      --session-gap duration\n"
	    "                         cut threads at gaps above this "
	    "(default 24h)\n"
	    "      --skip-bad         store the good records of a bad file\n"
	    "      --tz zone          the zone of times without an offset "
	    "(default $TZ)\n"
	    "      --version          print the version and exit\n"
	    "\nWith no file, or with '-', standard input is read.\n", fp);
}

enum {
	OPT_AGENT = 256,
	OPT_ASSISTANT,
	OPT_DATE,
	OPT_DATE_ORDER,
	OPT_DRY_RUN,
	OPT_FORMAT,
	OPT_HANDOVER_ACTION,
	OPT_PROGRESS,
	OPT_REDACT,
	OPT_RULES,
	OPT_SESSION_GAP,
	OPT_SKIP_BAD,
	OPT_TZ,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "agent", required_argument, NULL, OPT_AGENT },
	{ "assistant", required_argument, NULL, OPT_ASSISTANT },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "date-order", required_argument, NULL, OPT_DATE_ORDER },
	{ "db", required_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "handover-action", required_argument, NULL, OPT_HANDOVER_ACTION },
	{ "help", no_argument, NULL, 'h' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "redact", no_argument, NULL, OPT_REDACT },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "session-gap", required_argument, NULL, OPT_SESSION_GAP },
	{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What the options asked for, besides the library's import options. */
struct args {
	const char *db;
	const char *date;
	const char *rules;
	const char *tz;
	int quiet;
	int progress;
	/* The repeatable names, each array argc long. */
	const char **assistants, **agents, **handover_actions;
};

/* Totals over the files of one run. */
struct totals {
	int files;
	int failed;
	long conversations_new;
	long conversations_updated;
	long messages_new;
	long skipped;
	int fatal;		/* the database failed: stop */
};

/* Whether a progress line is on the terminal and needs ending. */
static int progress_shown;

static void
progress(void *ctx, const char *file, uint64_t bytes)
{
	(void)ctx;
	fprintf(stderr, "\r%s: %s: %.1f MB read", cli_progname(), file,
	    (double)bytes / 1e6);
	progress_shown = 1;
}

/* The largest rules file read: rules are a page of patterns, not data. */
#define RULES_MAX (1 << 20)

/* Compiles the rules of --rules file, or the built-in defaults. */
static int
load_rules(struct convo_rules **out, const char *path)
{
	static char text[RULES_MAX + 1];
	size_t len;
	FILE *fp;
	int err, rc;

	if (path == NULL) {
		rc = convo_rules_new(out, convo_rules_default_text(),
		    strlen(convo_rules_default_text()), "default rules",
		    cli_diag, NULL);
		return cli_exit_code(rc);
	}
	if ((fp = fopen(path, "r")) == NULL) {
		err = errno;
		cli_error("%s: %s", path, strerror(err));
		return err == ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
	}
	len = fread(text, 1, sizeof(text), fp);
	rc = ferror(fp);
	fclose(fp);
	if (rc) {
		cli_error("%s: %s", path, strerror(EIO));
		return EXIT_IOERR;
	}
	if (len > RULES_MAX) {
		cli_error("%s: rules file larger than 1 MiB", path);
		return EXIT_DATA;
	}
	return cli_exit_code(convo_rules_new(out, text, len, path, cli_diag,
	    NULL));
}

static int
date_order(const char *s)
{
	static const char *const names[] = { "dmy", "mdy", "ymd" };
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return CONVO_DATE_ORDER_DMY + i;
	return -1;
}

static int
parse_args(struct args *a, struct convo_import_options *opt, int argc,
    char **argv)
{
	int64_t gap;
	int c, f;

	a->assistants = calloc((size_t)argc * 3, sizeof(*a->assistants));
	if (a->assistants == NULL) {
		cli_error("%s", strerror(ENOMEM));
		return EXIT_SOFTWARE;
	}
	a->agents = a->assistants + argc;
	a->handover_actions = a->agents + argc;
	opt->assistants = a->assistants;
	opt->agents = a->agents;
	opt->handover_actions = a->handover_actions;
	while ((c = getopt_long(argc, argv, "d:hq", longopts, NULL)) != -1) {
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
		case OPT_AGENT:
			a->agents[opt->n_agents++] = optarg;
			break;
		case OPT_ASSISTANT:
			a->assistants[opt->n_assistants++] = optarg;
			break;
		case OPT_DATE:
			a->date = optarg;
			break;
		case OPT_DATE_ORDER:
			if ((f = date_order(optarg)) < 0)
				return cli_usage_error("unknown date order '%s' "
				    "(dmy, mdy, ymd)", optarg);
			opt->date_order = (enum convo_date_order)f;
			break;
		case OPT_HANDOVER_ACTION:
			a->handover_actions[opt->n_handover_actions++] = optarg;
			break;
		case OPT_DRY_RUN:
			opt->dry_run = 1;
			break;
		case OPT_FORMAT:
			if ((f = convo_format_from_name(optarg)) <= 0)
				return cli_usage_error("unknown format '%s' "
				    "(json, events, csv, text, whatsapp, rasa, "
				    "botframework, llm, chatwoot)", optarg);
			opt->format = (enum convo_format)f;
			break;
		case OPT_PROGRESS:
			a->progress = 1;
			break;
		case OPT_REDACT:
			opt->redact = 1;
			break;
		case OPT_RULES:
			a->rules = optarg;
			break;
		case OPT_SESSION_GAP:
			if (cli_parse_duration(&gap, optarg, "session gap") != 0) {
				return cli_try_help();
			}
			opt->session_gap_ms = gap;
			break;
		case OPT_SKIP_BAD:
			opt->skip_bad = 1;
			break;
		case OPT_TZ:
			a->tz = optarg;
			break;
		case OPT_VERSION:
			printf("convo-import %s\n", CONVO_VERSION);
			exit(cli_close_stdout());
		default:
			usage(stderr, 0);
			return cli_try_help();
		}
	}
	return 0;
}

/* Sets the zone and reads --date in it. */
static int
setup_time(const struct args *a, struct convo_import_options *opt)
{
	const char *why;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	if (a->date != NULL && (strlen(a->date) != 10 ||
	    convo_time_parse(&opt->date, &why, a->date) != 0))
		return cli_usage_error("invalid date '%s' (expected "
		    "YYYY-MM-DD)", a->date);
	opt->now = (int64_t)time(NULL) * 1000;
	return 0;
}

/* Opens a named input ("-" is standard input); returns an exit code. */
static int
open_input(FILE **fp, const char *name)
{
	struct stat sb;
	int err;

	if (strcmp(name, "-") == 0) {
		*fp = stdin;
		return 0;
	}
	if ((*fp = fopen(name, "rb")) == NULL) {
		err = errno;
		cli_error("%s: %s", name, strerror(err));
		return err == ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
	}
	if (fstat(fileno(*fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		cli_error("%s: is a directory", name);
		fclose(*fp);
		return EXIT_NOINPUT;
	}
	return 0;
}

/* Imports one named file and adds to the totals; returns an exit code. */
static int
import_one(struct totals *t, struct convo_store *st, const char *name,
    const struct convo_import_options *opt)
{
	struct convo_import_result res;
	FILE *fp;
	int rc;

	if ((rc = open_input(&fp, name)) != 0) {
		t->failed++;
		return rc;
	}
	rc = convo_import_file(&res, st, fp, name, opt);
	if (fp != stdin)
		fclose(fp);
	if (rc == CONVO_EIO)
		cli_error("%s: cannot read: %s", name, strerror(EIO));
	else if (rc != 0 && rc != CONVO_EDATA) {
		/* The database failed: the files after this one would too. */
		cli_error("%s: %s", name, convo_store_errmsg(st));
		t->fatal = 1;
	}
	/*
	 * With --skip-bad, a file whose bad records were skipped is stored
	 * (and logged) even when no good record was left: it counts as
	 * imported, with its skipped records.  Failed files are those
	 * rejected whole.
	 */
	if (rc == 0 || (rc == CONVO_EDATA && opt->skip_bad && res.skipped)) {
		t->files++;
		t->conversations_new += res.conversations_new;
		t->conversations_updated += res.conversations_updated;
		t->messages_new += res.messages_new;
		t->skipped += res.skipped;
	} else
		t->failed++;
	if (rc == CONVO_EDATA && opt->skip_bad && res.skipped)
		cli_error("%s: %ld bad records skipped", name, res.skipped);
	return cli_exit_code(rc);
}

static void
summary(const struct totals *t, const struct convo_import_options *opt,
    double seconds)
{
	printf("%s%d file%s", opt->dry_run ? "dry run, nothing stored: " :
	    "imported ", t->files, t->files == 1 ? "" : "s");
	if (t->failed)
		printf(" (%d failed)", t->failed);
	printf(": %ld new and %ld updated conversations, %ld new messages, "
	    "%ld skipped records, %.2f s\n", t->conversations_new,
	    t->conversations_updated, t->messages_new, t->skipped, seconds);
}

/* Opens the database; a dry run never creates one. */
static int
open_store(struct convo_store **st, const char *path, int dry_run)
{
	char err[512];
	struct stat sb;
	enum convo_open_mode mode = CONVO_OPEN_WRITE;
	int rc;

	if (dry_run && stat(path, &sb) != 0)
		mode = CONVO_OPEN_MEMORY;
	rc = convo_store_open(st, err, sizeof(err), path, mode, CLI_BUSY_MS);
	if (rc != 0)
		cli_error("%s", err);
	return rc;
}

int
main(int argc, char **argv)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct convo_rules *rules = NULL;
	struct convo_store *st = NULL;
	struct totals t = { 0 };
	struct args a = { 0 };
	struct timespec t0, t1;
	int i, rc, worst = 0;

	cli_init(argv[0]);
	if ((rc = parse_args(&a, &opt, argc, argv)) != 0 ||
	    (rc = setup_time(&a, &opt)) != 0 ||
	    (rc = load_rules(&rules, a.rules)) != 0) {
		free(a.assistants);
		return rc;
	}
	if (opt.n_handover_actions == 0)
		opt.handover_actions = NULL;
	opt.rules = rules;
	opt.diag = cli_diag;
	if (!a.quiet && (a.progress || isatty(STDERR_FILENO)))
		opt.progress = progress;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = open_store(&st, cli_db_path(a.db), opt.dry_run)) != 0) {
		convo_rules_free(rules);
		free(a.assistants);
		return cli_exit_code(rc);
	}
	for (i = optind; i < argc || i == optind; i++) {
		rc = import_one(&t, st, i < argc ? argv[i] : "-", &opt);
		if (rc > worst)
			worst = rc;
		if (progress_shown)
			fputc('\n', stderr);
		progress_shown = 0;
		if (t.fatal)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	convo_store_close(st);
	convo_rules_free(rules);
	free(a.assistants);
	if (!a.quiet)
		summary(&t, &opt, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	rc = cli_close_stdout();
	return worst ? worst : rc;
}
