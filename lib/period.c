/*
 * period.c: the periods of convo-stats (--period, --since, --until) and
 * their previous periods, and the days, weeks and months that --by cuts
 * a period into.  Every boundary is a local wall-clock time turned into
 * UTC by convo_time_local, so days are cut at local midnights whatever
 * their length (23 or 25 hours across a DST change).  Pure C, no SQL.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "convo.h"

#define DAY_MS INT64_C(86400000)

/* A local calendar date and wall-clock time. */
struct local {
	int year, month, day;	/* month 1-12 */
	int hour, min, sec, ms;
	int wday;		/* 0 = Sunday */
};

static void
to_local(struct local *l, int64_t t)
{
	time_t secs = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	localtime_r(&secs, &tm);
	l->year = tm.tm_year + 1900;
	l->month = tm.tm_mon + 1;
	l->day = tm.tm_mday;
	l->hour = tm.tm_hour;
	l->min = tm.tm_min;
	l->sec = tm.tm_sec;
	l->ms = (int)(t - (int64_t)secs * 1000);
	l->wday = tm.tm_wday;
}

/* Local midnight of the day that is days after year-month-day. */
static int64_t
midnight(int year, int month, int day, int days)
{
	/* convo_time_local counts a day out of range on from the month. */
	return convo_time_local(year, month, day + days, 0, 0, 0, 0);
}

/* Moves year-month by months (any sign). */
static void
add_months(int *year, int *month, int months)
{
	int m = *year * 12 + (*month - 1) + months;

	*year = m / 12;
	*month = m % 12 + 1;
}

/* Local midnight of the first of the month months after year-month. */
static int64_t
month_start(int year, int month, int months)
{
	add_months(&year, &month, months);
	return convo_time_local(year, month, 1, 0, 0, 0, 0);
}

static void
set(struct convo_period *p, int64_t since, int64_t until, int64_t ps,
    int64_t pu)
{
	p->since = since;
	p->until = until;
	p->prev_since = ps;
	p->prev_until = pu;
}

/*
 * this-month runs to now; the previous month is compared up to the same
 * day and time, or to its end when it has no such day (March 31st is
 * compared with all of February): February 31st would run on into
 * March, so it is cut at March 1st.
 */
static void
this_month(struct convo_period *p, const struct local *n, int64_t now)
{
	int64_t start = month_start(n->year, n->month, 0), prev_until;
	int y = n->year, m = n->month;

	add_months(&y, &m, -1);
	prev_until = convo_time_local(y, m, n->day, n->hour, n->min, n->sec,
	    n->ms);
	set(p, start, now, month_start(n->year, n->month, -1),
	    prev_until < start ? prev_until : start);
}

/*
 * today runs to now, against yesterday up to the same time; cut at
 * today's midnight when yesterday was skipped (Samoa, 2011-12-30) and
 * its time falls into today.
 */
static void
today(struct convo_period *p, const struct local *n, int64_t now)
{
	int64_t start = midnight(n->year, n->month, n->day, 0), prev_until;

	prev_until = convo_time_local(n->year, n->month, n->day - 1, n->hour,
	    n->min, n->sec, n->ms);
	set(p, start, now, midnight(n->year, n->month, n->day, -1),
	    prev_until < start ? prev_until : start);
}

/* The named periods; returns -1 for an unknown name. */
static int
named(struct convo_period *p, const char *name, int64_t now)
{
	struct local n;
	int days;

	to_local(&n, now);
	if (strcmp(name, "today") == 0)
		today(p, &n, now);
	else if (strcmp(name, "yesterday") == 0 ||
	    strcmp(name, "7d") == 0 || strcmp(name, "30d") == 0) {
		days = name[0] == 'y' ? 1 : name[0] == '7' ? 7 : 30;
		set(p, midnight(n.year, n.month, n.day, -days),
		    midnight(n.year, n.month, n.day, 0),
		    midnight(n.year, n.month, n.day, -2 * days),
		    midnight(n.year, n.month, n.day, -days));
	} else if (strcmp(name, "this-month") == 0)
		this_month(p, &n, now);
	else if (strcmp(name, "last-month") == 0)
		set(p, month_start(n.year, n.month, -1),
		    month_start(n.year, n.month, 0),
		    month_start(n.year, n.month, -2),
		    month_start(n.year, n.month, -1));
	else if (strcmp(name, "all") == 0)
		set(p, CONVO_TIME_MIN, CONVO_TIME_MAX, CONVO_TIME_NONE,
		    CONVO_TIME_NONE);
	else
		return -1;
	return 0;
}

static int
is_midnight(int64_t t)
{
	struct local l;

	to_local(&l, t);
	return l.hour == 0 && l.min == 0 && l.sec == 0 && l.ms == 0;
}

/*
 * --since/--until.  Between two local midnights the previous period is
 * as many calendar days (rounding takes up an hour won or lost to DST),
 * so that it too starts at a midnight; else it is as many milliseconds.
 */
static int
explicit(struct convo_period *p, const char **why, const char *since,
    const char *until, int64_t now)
{
	int64_t s = CONVO_TIME_MIN, u = now;
	struct local l;
	long days;

	if (since != NULL && convo_time_parse(&s, why, since) != 0)
		return CONVO_EUSAGE;
	if (until != NULL && convo_time_parse(&u, why, until) != 0)
		return CONVO_EUSAGE;
	if (s >= u) {
		*why = "the period is empty: --since is not before --until";
		return CONVO_EUSAGE;
	}
	set(p, s, u, CONVO_TIME_NONE, CONVO_TIME_NONE);
	if (since == NULL)
		return 0;
	if (is_midnight(s) && is_midnight(u)) {
		days = lround((double)(u - s) / (double)DAY_MS);
		to_local(&l, s);
		p->prev_since = midnight(l.year, l.month, l.day, (int)-days);
	} else
		p->prev_since = s - (u - s);
	p->prev_until = s;
	if (p->prev_since < CONVO_TIME_MIN)
		p->prev_since = p->prev_until = CONVO_TIME_NONE;
	return 0;
}

int
convo_period_resolve(struct convo_period *out, const char **why,
    const char *name, const char *since, const char *until, int64_t now)
{
	*why = NULL;
	set(out, CONVO_TIME_MIN, CONVO_TIME_MAX, CONVO_TIME_NONE,
	    CONVO_TIME_NONE);
	if (now < CONVO_TIME_MIN || now >= CONVO_TIME_MAX) {
		*why = "now is out of range";
		return CONVO_EUSAGE;
	}
	if (name == NULL && (since != NULL || until != NULL))
		return explicit(out, why, since, until, now);
	if (named(out, name != NULL ? name : "7d", now) != 0) {
		*why = "unknown period (today, yesterday, 7d, 30d, this-month, "
		    "last-month, all)";
		return CONVO_EUSAGE;
	}
	return 0;
}

int64_t
convo_period_start(int64_t t, enum convo_period_unit unit)
{
	struct local l;

	to_local(&l, t);
	switch (unit) {
	case CONVO_PERIOD_WEEK:
		return midnight(l.year, l.month, l.day, -((l.wday + 6) % 7));
	case CONVO_PERIOD_MONTH:
		return month_start(l.year, l.month, 0);
	default:
		return midnight(l.year, l.month, l.day, 0);
	}
}

int64_t
convo_period_next(int64_t start, enum convo_period_unit unit)
{
	struct local l;

	to_local(&l, start);
	switch (unit) {
	case CONVO_PERIOD_WEEK:
		return midnight(l.year, l.month, l.day, 7);
	case CONVO_PERIOD_MONTH:
		return month_start(l.year, l.month, 1);
	default:
		return midnight(l.year, l.month, l.day, 1);
	}
}

char *
convo_period_label(char *buf, size_t size, int64_t t,
    enum convo_period_unit unit)
{
	static const char *const formats[] = { "%Y-%m-%d", "%G-W%V", "%Y-%m" };
	time_t secs = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);
	struct tm tm;

	buf[0] = '\0';
	if (size == 0 || localtime_r(&secs, &tm) == NULL)
		return buf;
	if (strftime(buf, size, formats[unit], &tm) == 0)
		buf[0] = '\0';
	return buf;
}
