/*
 * convo-transcript: renders conversations for people, picked by id (as
 * arguments or on standard input), by user or as the latest few: as
 * text, Markdown, one HTML page, JSON, or an e-mail for sendmail -t;
 * with --split, one file per conversation.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static void
usage(FILE *fp, int full)
{
	fprintf(fp, "usage: convo-transcript [-h] [-d db] [--brand name] "
	    "[--contact text]\n"
	    "                        [--format format] [--from address] "
	    "[--include-system]\n"
	    "                        [--labels user,assistant,agent] "
	    "[--last n] [--now time]\n"
	    "                        [--split dir] [--subject text] "
	    "[--to address] [--tz zone]\n"
	    "                        [--user token] [--version] [id ... | -]\n");
	if (!full)
		return;
	fputs("\n"
	    "      --brand name       the brand on top of the page and in the "
	    "subject\n"
	    "      --contact text     contact details at the bottom\n"
	    "  -d, --db file          the database (default $CONVO_DB, "
	    "else ./convo.db)\n"
	    "      --format format    text (default), markdown, html, json "
	    "or email\n"
	    "      --from address     the e-mail's sender (default "
	    "convo@localhost)\n"
	    "  -h, --help             print this help and exit\n"
	    "      --include-system   show system lines too\n"
	    "      --labels list      names for user, assistant and agent "
	    "messages\n"
	    "      --last n           the n conversations with the latest "
	    "activity\n"
	    "      --now time         the e-mail's date (default "
	    "$SOURCE_DATE_EPOCH, else now)\n"
	    "      --split dir        one file per conversation in dir\n"
	    "      --subject text     the e-mail's subject\n"
	    "      --to address       the e-mail's recipients (default the "
	    "lead's address)\n"
	    "      --tz zone          show times in this zone (default $TZ)\n"
	    "      --user token       every conversation of this user\n"
	    "      --version          print the version and exit\n"
	    "\nIds are arguments, or one per line on standard input for "
	    "'-'.\n", fp);
}

enum {
	OPT_BRAND = 256,
	OPT_CONTACT,
	OPT_FORMAT,
	OPT_FROM,
	OPT_LABELS,
	OPT_LAST,
	OPT_NOW,
	OPT_SPLIT,
	OPT_SUBJECT,
	OPT_TO,
	OPT_TZ,
	OPT_USER,
	OPT_VERSION
};

static int include_system;

static const struct option longopts[] = {
	{ "brand", required_argument, NULL, OPT_BRAND },
	{ "contact", required_argument, NULL, OPT_CONTACT },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "help", no_argument, NULL, 'h' },
	{ "include-system", no_argument, &include_system, 1 },
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "last", required_argument, NULL, OPT_LAST },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "subject", required_argument, NULL, OPT_SUBJECT },
	{ "to", required_argument, NULL, OPT_TO },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "user", required_argument, NULL, OPT_USER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What the options asked for besides the render options. */
struct args {
	const char *db, *tz, *now, *split, *user, *format;
	char *labels;		/* a copy, cut at the commas */
	long last;		/* 0: not asked */
	char **ids;		/* the arguments */
	int n_ids;
};

/* The conversations picked, in order. */
struct picked {
	int64_t *keys;
	size_t n;
	int missing;		/* an id or user named none */
};

static int parse_args(struct args *, struct convo_transcript_options *,
    int, char **);
static int setup(struct args *, struct convo_transcript_options *);
static int pick(struct picked *, struct convo_store *, const struct args *);
static int render_all(struct convo_store *, const struct picked *,
    const struct args *, const struct convo_transcript_options *);

int
main(int argc, char **argv)
{
	struct convo_transcript_options o = CONVO_TRANSCRIPT_OPTIONS_INIT;
	struct picked p = { NULL, 0, 0 };
	struct convo_store *st = NULL;
	struct args a = { 0 };
	char err[512];
	int rc;

	cli_init(argv[0]);
	if ((rc = parse_args(&a, &o, argc, argv)) != 0 ||
	    (rc = setup(&a, &o)) != 0) {
		free(a.labels);
		return rc;
	}
	rc = convo_store_open(&st, err, sizeof(err), cli_db_path(a.db),
	    CONVO_OPEN_READ, CLI_BUSY_MS);
	if (rc != 0)
		cli_error("%s", err);
	else if ((rc = pick(&p, st, &a)) == 0 && p.n > 0)
		rc = render_all(st, &p, &a, &o);
	if (rc != 0 && rc != CONVO_EIO && rc != CONVO_ECREATE)
		cli_error("%s", rc == CONVO_ENOMEM || rc == CONVO_EDATA ?
		    convo_strerror(rc) : convo_store_errmsg(st));
	convo_store_close(st);
	free(p.keys);
	free(a.labels);
	if (rc != 0)
		return rc == CONVO_ECREATE ? EXIT_CANTCREAT : cli_exit_code(rc);
	if ((rc = cli_close_stdout()) != 0)
		return rc;
	return p.missing ? EXIT_GATE : 0;
}

/* Where an option's argument is kept as given, or NULL. */
static const char **
arg_slot(struct args *a, struct convo_transcript_options *o, int c)
{
	return c == 'd' ? &a->db : c == OPT_TZ ? &a->tz :
	    c == OPT_NOW ? &a->now : c == OPT_SPLIT ? &a->split :
	    c == OPT_USER ? &a->user : c == OPT_FORMAT ? &a->format :
	    c == OPT_BRAND ? &o->brand : c == OPT_CONTACT ? &o->contact :
	    c == OPT_FROM ? &o->from : c == OPT_TO ? &o->to :
	    c == OPT_SUBJECT ? &o->subject : NULL;
}

static int
parse_option(struct args *a, int c)
{
	int64_t v;

	switch (c) {
	case 'h':
		usage(stdout, 1);
		exit(cli_close_stdout());
	case OPT_LABELS:
		free(a->labels);
		if ((a->labels = strdup(optarg)) == NULL) {
			cli_error("%s", convo_strerror(CONVO_ENOMEM));
			return EXIT_SOFTWARE;
		}
		return 0;
	case OPT_LAST:
		if (cli_parse_int(&v, optarg, 1, INT32_MAX, "--last") != 0)
			return EXIT_USAGE;
		a->last = (long)v;
		return 0;
	case OPT_VERSION:
		printf("convo-transcript %s\n", CONVO_VERSION);
		exit(cli_close_stdout());
	default:
		usage(stderr, 0);
		return cli_try_help();
	}
}

static int
parse_args(struct args *a, struct convo_transcript_options *o, int argc,
    char **argv)
{
	const char **slot;
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		if (c == 0)
			continue;	/* a flag */
		if ((slot = arg_slot(a, o, c)) != NULL)
			*slot = optarg;
		else if ((rc = parse_option(a, c)) != 0)
			return rc;
	}
	a->ids = argv + optind;
	a->n_ids = argc - optind;
	o->include_system = include_system;
	if ((a->n_ids > 0) + (a->user != NULL) + (a->last > 0) != 1)
		return cli_usage_error("give ids, '-', --user or --last "
		    "(one of them)");
	return 0;
}

/* --labels: up to three names, an empty one keeps its default. */
static int
set_labels(struct args *a, struct convo_transcript_options *o)
{
	char *s = a->labels, *comma;
	int i;

	for (i = 0; s != NULL && i < 3; i++) {
		comma = strchr(s, ',');
		if (comma != NULL)
			*comma = '\0';
		o->labels[i] = *s != '\0' ? s : NULL;
		s = comma ? comma + 1 : NULL;
	}
	if (s != NULL)
		return cli_usage_error("too many labels '%s' (user, assistant, "
		    "agent)", s);
	return 0;
}

/* --now, else SOURCE_DATE_EPOCH (seconds), else the clock. */
static int
set_now(const struct args *a, struct convo_transcript_options *o)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH"), *why;
	int64_t v;

	if (a->now != NULL) {
		if (convo_time_parse(&o->now, &why, a->now) != 0)
			return cli_usage_error("invalid --now time '%s': %s",
			    a->now, why);
		return 0;
	}
	if (sde != NULL && *sde != '\0') {
		if (cli_parse_int(&v, sde, 0, INT64_MAX / 1000,
		    "SOURCE_DATE_EPOCH") != 0)
			return EXIT_USAGE;
		o->now = v * 1000;
		return 0;
	}
	o->now = (int64_t)time(NULL) * 1000;
	return 0;
}

/* Sets the zone, then reads the format, labels, time and addresses. */
static int
setup(struct args *a, struct convo_transcript_options *o)
{
	const char *why;
	int f, rc;

	if (cli_set_tz(a->tz) != 0)
		return cli_usage_error("unknown time zone '%s'", a->tz);
	if (a->format != NULL) {
		if ((f = convo_transcript_format_from_name(a->format)) < 0)
			return cli_usage_error("unknown format '%s' (text, "
			    "markdown, html, json, email)", a->format);
		o->format = (enum convo_transcript_format)f;
	}
	if ((rc = set_labels(a, o)) != 0 || (rc = set_now(a, o)) != 0)
		return rc;
	if (o->from != NULL && (why = convo_mail_address_check(o->from)))
		return cli_usage_error("invalid --from address '%s': %s",
		    o->from, why);
	if (o->to != NULL && (why = convo_mail_address_check(o->to)))
		return cli_usage_error("invalid --to address '%s': %s",
		    o->to, why);
	return 0;
}

/* Adds the conversations of one id (or user): a missing one is said. */
static int
add(struct picked *p, struct convo_store *st, enum convo_transcript_by by,
    const char *what, long n)
{
	int rc;

	rc = convo_transcript_find(&p->keys, &p->n, st, by, what, n);
	if (rc != CONVO_ENOTFOUND)
		return rc;
	p->missing = 1;
	if (by == CONVO_TRANSCRIPT_LAST)
		cli_error("no conversations");
	else
		cli_error("no conversation %s'%s'", by == CONVO_TRANSCRIPT_USER ?
		    "of user " : "", what);
	return 0;
}

/* The ids on standard input, one a line; empty lines are skipped. */
static int
add_stdin(struct picked *p, struct convo_store *st)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, stdin)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0)
			rc = add(p, st, CONVO_TRANSCRIPT_ID, line, 0);
	}
	if (rc == 0 && ferror(stdin)) {
		cli_error("cannot read standard input: %s", strerror(errno));
		rc = CONVO_EIO;
	}
	free(line);
	return rc;
}

static int
pick(struct picked *p, struct convo_store *st, const struct args *a)
{
	int i, rc = 0;

	if (a->user != NULL)
		return add(p, st, CONVO_TRANSCRIPT_USER, a->user, 0);
	if (a->last > 0)
		return add(p, st, CONVO_TRANSCRIPT_LAST, NULL, a->last);
	for (i = 0; i < a->n_ids && rc == 0; i++)
		rc = strcmp(a->ids[i], "-") == 0 ? add_stdin(p, st) :
		    add(p, st, CONVO_TRANSCRIPT_ID, a->ids[i], 0);
	return rc;
}

/* Renders n transcripts to fp; says what went wrong with a file. */
static int
emit(FILE *fp, const char *path, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	size_t len;
	char *out;
	int rc;

	if ((rc = convo_transcript_render(&out, &len, t, n, o)) != 0)
		return rc;
	if (fwrite(out, 1, len, fp) != len && path != NULL) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		rc = CONVO_EIO;
	}
	free(out);
	return rc;
}

/* --split: one file per conversation, its path printed. */
static int
split_one(const char *dir, const struct convo_transcript *t, size_t i,
    const struct convo_transcript_options *o)
{
	char name[160], path[4096];
	size_t dot;
	FILE *fp;
	int rc;

	convo_transcript_filename(name, sizeof(name), t, o->format);
	/* The same name twice (one id in two sources): "L1-2.eml". */
	dot = (size_t)(strrchr(name, '.') - name);
	if (i > 0)
		snprintf(name + dot, sizeof(name) - dot, "-%zu.%s", i + 1,
		    convo_transcript_format_ext(o->format));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		cli_error("cannot create '%s': %s", path, strerror(errno));
		return CONVO_ECREATE;
	}
	rc = emit(fp, path, &t, 1, o);
	if (fclose(fp) != 0 && rc == 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		rc = CONVO_EIO;
	}
	if (rc == 0)
		printf("%s\n", path);
	return rc;
}

static int
render_all(struct convo_store *st, const struct picked *p,
    const struct args *a, const struct convo_transcript_options *o)
{
	struct convo_transcript **t;
	char name[160], other[160];
	size_t i, k, dup;
	int rc = 0;

	if ((t = calloc(p->n, sizeof(*t))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < p->n && rc == 0; i++)
		rc = convo_transcript_load(&t[i], st, p->keys[i]);
	if (rc == 0 && a->split != NULL && mkdir(a->split, 0777) != 0 &&
	    errno != EEXIST) {
		cli_error("cannot create '%s': %s", a->split, strerror(errno));
		rc = CONVO_ECREATE;
	}
	for (i = 0; rc == 0 && a->split != NULL && i < p->n; i++) {
		convo_transcript_filename(name, sizeof(name), t[i], o->format);
		for (dup = 0, k = 0; k < i; k++)
			dup += strcmp(convo_transcript_filename(other,
			    sizeof(other), t[k], o->format), name) == 0;
		rc = split_one(a->split, t[i], dup, o);
	}
	if (rc == 0 && a->split == NULL)
		rc = emit(stdout, NULL, (const struct convo_transcript *const *)t,
		    p->n, o);
	for (i = 0; i < p->n; i++)
		convo_transcript_free(t[i]);
	free(t);
	return rc;
}
