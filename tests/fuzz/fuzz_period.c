/*
 * fuzz_period.c: libFuzzer harness for the periods of convo-stats
 * (lib/period.c): --period, --since and --until, and the days, weeks and
 * months --by cuts a period into.
 *
 * The input: a byte that picks the time zone, 8 bytes that give "now"
 * (taken into [CONVO_TIME_MIN, CONVO_TIME_MAX)), then the period's name,
 * --since and --until separated by NUL bytes; an empty one is not given.
 *
 * Checked:
 *   - a period resolved is not empty (but today and this-month at their
 *     first instant, and a day the zone skipped) and within range (a
 *     named one may start in the weeks before 2000 when now is just
 *     after), and its previous period (when it has one) ends before it
 *     starts;
 *   - today, yesterday, 7d, 30d, this-month and last-month start and end
 *     at the local midnights and month starts convo_period_start gives,
 *     and are as many days or one month long;
 *   - --since and --until are the times convo_time_parse reads;
 *   - a failure says why;
 *   - for now and both ends, each unit: its start is at or before the
 *     time and the next start after it, a start is its own start, the
 *     label names the unit ("2026-11-20", "2026-W47", "2026-11") and
 *     changes at the next start.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
	"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
	"Asia/Kathmandu", "America/Santiago", "Pacific/Apia", "America/Havana"
};
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The label's shape for its unit. */
static void
check_label(const char *l, enum convo_period_unit u)
{
	size_t n = strlen(l);

	if (u == CONVO_PERIOD_DAY && !(n == 10 && digits(l, 4) &&
	    l[4] == '-' && digits(l + 5, 2) && l[7] == '-' &&
	    digits(l + 8, 2)))
		abort();
	if (u == CONVO_PERIOD_WEEK && !(n == 8 && digits(l, 4) &&
	    strncmp(l + 4, "-W", 2) == 0 && digits(l + 6, 2) &&
	    strcmp(l + 6, "01") >= 0 && strcmp(l + 6, "53") <= 0))
		abort();
	if (u == CONVO_PERIOD_MONTH && !(n == 7 && digits(l, 4) &&
	    l[4] == '-' && digits(l + 5, 2)))
		abort();
}

static void
check_units(int64_t t)
{
	char a[32], b[32];
	int64_t s, next;
	int u;

	if (t < CONVO_TIME_MIN || t >= CONVO_TIME_MAX)
		return;
	for (u = CONVO_PERIOD_DAY; u <= CONVO_PERIOD_MONTH; u++) {
		s = convo_period_start(t, (enum convo_period_unit)u);
		next = convo_period_next(s, (enum convo_period_unit)u);
		if (s > t || next <= t)
			abort();
		/* A day is 23 to 25 hours; Samoa skipped one: up to 49. */
		if (u == CONVO_PERIOD_DAY && next - s > 49 * INT64_C(3600000))
			abort();
		if (convo_period_start(s, (enum convo_period_unit)u) != s)
			abort();
		convo_period_label(a, sizeof(a), t, (enum convo_period_unit)u);
		check_label(a, (enum convo_period_unit)u);
		if (strcmp(convo_period_label(b, sizeof(b), s,
		    (enum convo_period_unit)u), a) != 0)
			abort();
		if (strcmp(convo_period_label(b, sizeof(b), next,
		    (enum convo_period_unit)u), a) <= 0)
			abort();
		/* A buffer too small is left empty, not overrun. */
		if (*convo_period_label(b, 4, t, (enum convo_period_unit)u) !=
		    '\0')
			abort();
	}
}

/* The days from the epoch to the local date of t. */
static int64_t
day_number(int64_t t)
{
	char l[32];
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	convo_period_label(l, sizeof(l), t, CONVO_PERIOD_DAY);
	if (sscanf(l, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		abort();
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (int64_t)timegm(&tm) / 86400;
}

/*
 * Steps from since to until: n units.  Days count by the calendar, less
 * those a step jumped over because the zone skipped them (Samoa,
 * 2011-12-30); and one fewer when the period was to start on such a day
 * and starts on the next there was.
 */
static void
check_steps(int64_t since, int64_t until, int n, enum convo_period_unit u)
{
	int64_t t = since, next, skipped = 0, d;
	int k = 0;

	while (t < until && k <= n) {
		next = convo_period_next(t, u);
		if (u == CONVO_PERIOD_DAY)
			skipped += day_number(next) - day_number(t) - 1;
		t = next;
		k++;
	}
	if (t != until)
		abort();
	if (u != CONVO_PERIOD_DAY) {
		if (k != n)
			abort();
		return;
	}
	d = day_number(until) - day_number(since) - skipped;
	if (d != k || d > n || d < n - 1)
		abort();
}

static void
check_named(const struct convo_period *p, const char *name, int64_t now)
{
	int64_t today = convo_period_start(now, CONVO_PERIOD_DAY);
	int64_t month = convo_period_start(now, CONVO_PERIOD_MONTH);

	if (strcmp(name, "today") == 0) {
		if (p->since != today || p->until != now)
			abort();
		check_steps(p->prev_since, today, 1, CONVO_PERIOD_DAY);
	} else if (strcmp(name, "yesterday") == 0 ||
	    strcmp(name, "7d") == 0 || strcmp(name, "30d") == 0) {
		int days = name[0] == 'y' ? 1 : name[0] == '7' ? 7 : 30;

		if (p->until != today || p->prev_until != p->since)
			abort();
		check_steps(p->since, today, days, CONVO_PERIOD_DAY);
		check_steps(p->prev_since, p->since, days, CONVO_PERIOD_DAY);
	} else if (strcmp(name, "this-month") == 0) {
		if (p->since != month || p->until != now)
			abort();
		check_steps(p->prev_since, month, 1, CONVO_PERIOD_MONTH);
	} else if (strcmp(name, "last-month") == 0) {
		if (p->until != month || p->prev_until != p->since)
			abort();
		check_steps(p->since, month, 1, CONVO_PERIOD_MONTH);
		check_steps(p->prev_since, p->since, 1, CONVO_PERIOD_MONTH);
	} else if (strcmp(name, "all") == 0) {
		if (p->since != CONVO_TIME_MIN || p->until != CONVO_TIME_MAX ||
		    p->prev_since != CONVO_TIME_NONE)
			abort();
	} else
		abort();
}

static void
check_explicit(const struct convo_period *p, const char *since,
    const char *until, int64_t now)
{
	int64_t s = CONVO_TIME_MIN, u = now;
	const char *why;

	if (since != NULL && convo_time_parse(&s, &why, since) != 0)
		abort();
	if (until != NULL && convo_time_parse(&u, &why, until) != 0)
		abort();
	if (p->since != s || p->until != u)
		abort();
	if (since == NULL && p->prev_since != CONVO_TIME_NONE)
		abort();
	if (p->prev_since != CONVO_TIME_NONE && (p->prev_until != s ||
	    p->prev_since < CONVO_TIME_MIN))
		abort();
}

/* The next NUL-terminated piece of the input, or NULL when empty. */
static char *
piece(char **p, char *end)
{
	char *s = *p;

	if (s >= end)
		return NULL;
	*p = s + strlen(s) + 1;
	return *s != '\0' ? s : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convo_period p;
	char *text, *at, *name, *since, *until;
	const char *why;
	uint64_t u;
	int64_t now;
	int rc;

	if (size < 9 || size > 4096)
		return 0;
	setenv("TZ", zones[data[0] % N_ZONES], 1);
	tzset();
	memcpy(&u, data + 1, sizeof(u));
	now = CONVO_TIME_MIN + (int64_t)(u % (uint64_t)(CONVO_TIME_MAX -
	    CONVO_TIME_MIN));
	if ((text = malloc(size - 9 + 1)) == NULL)
		return 0;
	memcpy(text, data + 9, size - 9);
	text[size - 9] = '\0';
	at = text;
	name = piece(&at, text + size - 9);
	since = piece(&at, text + size - 9);
	until = piece(&at, text + size - 9);

	why = NULL;
	rc = convo_period_resolve(&p, &why, name, since, until, now);
	if (rc != 0) {
		if (rc != CONVO_EUSAGE || why == NULL || *why == '\0')
			abort();
	} else {
		/*
		 * A named period may reach back before 2000 when now is in
		 * its first weeks: nothing is stored there, so no harm.
		 * Today and this month are empty at their first instant,
		 * yesterday when the zone skipped it.
		 */
		if (why != NULL || p.since > p.until || (p.since == p.until &&
		    name == NULL) ||
		    p.since < CONVO_TIME_MIN - 93 * INT64_C(86400000) ||
		    p.until > CONVO_TIME_MAX)
			abort();
		if ((p.prev_since == CONVO_TIME_NONE) !=
		    (p.prev_until == CONVO_TIME_NONE))
			abort();
		if (p.prev_since != CONVO_TIME_NONE &&
		    (p.prev_since > p.prev_until || p.prev_until > p.since))
			abort();
		if (name == NULL && (since != NULL || until != NULL))
			check_explicit(&p, since, until, now);
		else
			check_named(&p, name != NULL ? name : "7d", now);
		check_units(p.since);
		check_units(p.until);
	}
	check_units(now);
	free(text);
	return 0;
}
