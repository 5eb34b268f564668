/*
 * cli.c: plumbing shared by the commands: the program name, diagnostics,
 * the exit-code table, the database path, time zones, checked numbers,
 * colour, the terminal's width and the final check of standard output.
 * Nothing here knows about any one command.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *progname = "convo";

void
cli_init(const char *argv0)
{
	const char *slash;

	/*
	 * A file-size limit (ulimit -f) then fails the write with EFBIG, which
	 * the store reports and rolls back like a full disk, instead of
	 * killing the command without a word.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *
cli_progname(void)
{
	return progname;
}

static void
verror(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

void
cli_diag(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	fprintf(stderr, "%s: ", progname);
	if (d->file != NULL) {
		fprintf(stderr, "%s:", d->file);
		if (d->line > 0)
			fprintf(stderr, "%ld:", d->line);
		if (d->line > 0 && d->col > 0)
			fprintf(stderr, "%ld:", d->col);
		fputc(' ', stderr);
	}
	if (d->severity == CONVO_SEV_WARNING)
		fputs("warning: ", stderr);
	fprintf(stderr, "%s\n", d->message);
}

int
cli_exit_code(int status)
{
	switch (status) {
	case CONVO_OK:
		return 0;
	case CONVO_EDATA:
		return EXIT_DATA;
	case CONVO_ENOENT:
		return EXIT_NOINPUT;
	case CONVO_EUSAGE:
		return EXIT_USAGE;
	case CONVO_ENOTFOUND:
		return EXIT_GATE;
	case CONVO_ECREATE:
	case CONVO_ESCHEMA:
		return EXIT_CANTCREAT;
	case CONVO_EIO:
	case CONVO_EBUSY:
	case CONVO_EDB:
		return EXIT_IOERR;
	default:
		return EXIT_SOFTWARE;
	}
}

int
cli_try_help(void)
{
	fprintf(stderr, "try '%s --help'\n", progname);
	return EXIT_USAGE;
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return cli_try_help();
}

const char *
cli_db_path(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("CONVO_DB");
	return env != NULL && *env != '\0' ? env : "convo.db";
}

/* A zone name must name a file under the zoneinfo directory. */
static int
zone_exists(const char *zone)
{
	char path[4096];
	const char *dir;

	if (strstr(zone, "..") != NULL)
		return 0;
	dir = getenv("TZDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (zone[0] == '/')
		snprintf(path, sizeof(path), "%s", zone);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, zone);
	return access(path, R_OK) == 0;
}

int
cli_set_tz(const char *zone)
{
	if (zone == NULL) {
		tzset();
		return 0;
	}
	if (*zone == ':')
		zone++;
	if (strcmp(zone, "UTC") != 0 && !zone_exists(zone))
		return -1;
	if (setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	return 0;
}

char *
cli_time_short(char *buf, int64_t ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, CLI_TIME_SHORT, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, CLI_TIME_SHORT, "?");
	return buf;
}

int
cli_parse_int(int64_t *out, const char *s, int64_t min, int64_t max,
    const char *name)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		cli_error("invalid %s '%s' (expected a whole number from %" PRId64
		    " to %" PRId64 ")", name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
cli_parse_duration(int64_t *out, const char *s, const char *name)
{
	static const struct { char unit; int64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 },
		{ 'd', 86400000 }, { '\0', 3600000 }
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*end == units[i].unit && (*end == '\0' || end[1] == '\0'))
			break;
	if (end == s || errno != 0 || i == sizeof(units) / sizeof(units[0]) ||
	    !(v >= 0) || v * (double)units[i].ms > 1e15) {
		cli_error("invalid %s '%s' (expected a number with s, m, h "
		    "or d)", name, s);
		return -1;
	}
	*out = (int64_t)(v * (double)units[i].ms + 0.5);
	return 0;
}

int
cli_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && *nc != '\0')
		return 0;
	return isatty(fileno(fp));
}

size_t
cli_term_width(FILE *fp)
{
	struct winsize ws;

	if (!isatty(fileno(fp)))
		return 0;
	/* A terminal that does not say how wide it is: the classic 80. */
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return 80;
	return ws.ws_col;
}

int
cli_close_stdout(void)
{
	int failed;

	failed = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		failed = 1;
	if (failed && errno != EPIPE) {
		cli_error("cannot write standard output: %s", strerror(errno));
		return EXIT_IOERR;
	}
	return 0;
}
