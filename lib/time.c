/*
 * time.c: timestamps.  Parses RFC 3339 / ISO 8601 text and Unix epoch
 * numbers into UTC milliseconds, converts local wall-clock time in the
 * process's zone to UTC (DST-correct), and formats UTC and local times.
 * UTC arithmetic is done on the civil calendar directly, so it never
 * depends on TZ.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "convo.h"

#define DAY_SECS INT64_C(86400)
#define MAX_OFFSET_MINUTES (18 * 60)	/* RFC 3339 allows no more */

/* A broken-down time as read from text, before any zone is applied. */
struct civil {
	int year, month, day;		/* month 1-12 */
	int hour, min, sec, ms;
};

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), from
 * Howard Hinnant's days_from_civil: eras of 400 years starting in March,
 * so the leap day is the last day of its year.
 */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

/* Floor division, so that times before 1970 split into day and second. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The UTC offset in seconds at instant t, by the process's zone. */
static long
offset_at(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

/*
 * The instant whose local wall clock reads wall (wall-clock seconds
 * counted as if the zone were UTC).  The candidates are wall minus each
 * offset in force within a day either side, which covers any one
 * transition; a candidate is right when the zone agrees on its offset.
 * Two right ones: clocks went back and the hour repeats, so take the
 * earlier.  None: the time fell into the gap when clocks went forward;
 * reading it with the offset from before the gap (the smallest offset,
 * so the latest candidate) moves it forward by the gap, as mktime does.
 */
static int64_t
local_to_utc(int64_t wall)
{
	long offs[3];
	int64_t t, best = INT64_MAX, latest = INT64_MIN;
	int i;

	offs[0] = offset_at((time_t)(wall - DAY_SECS));
	offs[1] = offset_at((time_t)wall);
	offs[2] = offset_at((time_t)(wall + DAY_SECS));
	for (i = 0; i < 3; i++) {
		t = wall - offs[i];
		if (t > latest)
			latest = t;
		if (offset_at((time_t)t) == offs[i] && t < best)
			best = t;
	}
	return best != INT64_MAX ? best : latest;
}

int64_t
convo_time_local(int year, int month, int day, int hour, int min, int sec,
    int ms)
{
	int64_t wall;

	wall = days_from_civil(year, month, day) * DAY_SECS +
	    hour * INT64_C(3600) + min * INT64_C(60) + sec;
	return local_to_utc(wall) * 1000 + ms;
}

/* Reads exactly n decimal digits. */
static int
digits(const char **p, int n, int *val)
{
	const char *s = *p;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	*p = s + n;
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD". */
static const char *
parse_date(struct civil *c, const char **p)
{
	if (digits(p, 4, &c->year) != 0 || *(*p)++ != '-' ||
	    digits(p, 2, &c->month) != 0 || *(*p)++ != '-' ||
	    digits(p, 2, &c->day) != 0)
		return "not a timestamp";
	if (c->month < 1 || c->month > 12)
		return "month out of range";
	if (c->day < 1 || c->day > days_in_month(c->year, c->month))
		return "day out of range";
	return NULL;
}

/*
 * The fraction after the seconds: any number of digits, of which the
 * first three are kept and the rest truncated, so that ".1239" never
 * rounds into the next second.
 */
static const char *
parse_fraction(struct civil *c, const char **p)
{
	const char *s = *p;
	int i;

	if (!is_digit(*s))
		return "not a timestamp";
	for (i = 0; is_digit(*s); i++, s++)
		if (i < 3)
			c->ms = c->ms * 10 + (*s - '0');
	for (; i < 3; i++)
		c->ms *= 10;
	*p = s;
	return NULL;
}

/*
 * "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff".  A leap second (:60) is read as
 * :59.999: it stays in its minute and day and sorts after :59, where
 * rolling over would merge it with the next minute's first second.
 */
static const char *
parse_clock(struct civil *c, const char **p)
{
	const char *why;

	if (digits(p, 2, &c->hour) != 0 || *(*p)++ != ':' ||
	    digits(p, 2, &c->min) != 0)
		return "not a timestamp";
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, &c->sec) != 0)
			return "not a timestamp";
		if (**p == '.' || **p == ',') {
			(*p)++;
			if ((why = parse_fraction(c, p)) != NULL)
				return why;
		}
	}
	if (c->hour > 23)
		return "hour out of range";
	if (c->min > 59)
		return "minute out of range";
	if (c->sec > 60)
		return "second out of range";
	if (c->sec == 60) {
		c->sec = 59;
		c->ms = 999;
	}
	return NULL;
}

/* "Z", "z", "+HH:MM", "+HHMM" or "+HH" (or '-'): east of UTC is positive. */
static const char *
parse_offset(int *minutes, const char **p)
{
	int sign, h, m = 0;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*minutes = 0;
		return NULL;
	}
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, 2, &h) != 0)
		return "bad time zone offset";
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, &m) != 0)
			return "bad time zone offset";
	} else if (is_digit(**p) && digits(p, 2, &m) != 0)
		return "bad time zone offset";
	if (m > 59 || h * 60 + m > MAX_OFFSET_MINUTES)
		return "bad time zone offset";
	*minutes = sign * (h * 60 + m);
	return NULL;
}

/* Rejects the absurd: data from before 2000 or after 2099 is a bug. */
static int
check_range(int64_t *out, const char **why, int64_t ms)
{
	if (ms < CONVO_TIME_MIN) {
		*why = "timestamp before 2000-01-01";
		return CONVO_EDATA;
	}
	if (ms >= CONVO_TIME_MAX) {
		*why = "timestamp after 2099-12-31";
		return CONVO_EDATA;
	}
	*out = ms;
	return 0;
}

/*
 * Reads the text into c and *offset (minutes east of UTC); *has_offset
 * is 0 for local time.
 */
static const char *
parse_text(struct civil *c, int *offset, int *has_offset, const char *s)
{
	const char *why;

	*has_offset = 0;
	if ((why = parse_date(c, &s)) != NULL)
		return why;
	if (*s == '\0')
		return NULL;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return "not a timestamp";
	s++;
	if ((why = parse_clock(c, &s)) != NULL)
		return why;
	if (*s == 'Z' || *s == 'z' || *s == '+' || *s == '-') {
		if ((why = parse_offset(offset, &s)) != NULL)
			return why;
		*has_offset = 1;
	}
	return *s == '\0' ? NULL : "unexpected text after timestamp";
}

int
convo_time_parse(int64_t *out, const char **why, const char *s)
{
	struct civil c = { 0, 0, 0, 0, 0, 0, 0 };
	int64_t ms;
	int offset = 0, has_offset;

	*out = CONVO_TIME_NONE;
	if ((*why = parse_text(&c, &offset, &has_offset, s)) != NULL)
		return CONVO_EDATA;
	/*
	 * Years far out are rejected before the zone is consulted, so that
	 * localtime_r never sees a time it cannot represent.
	 */
	if (c.year < 1999)
		return check_range(out, why, CONVO_TIME_MIN - 1);
	if (c.year > 2100)
		return check_range(out, why, CONVO_TIME_MAX);
	if (has_offset)
		ms = (days_from_civil(c.year, c.month, c.day) * DAY_SECS +
		    c.hour * INT64_C(3600) + (c.min - offset) * INT64_C(60) +
		    c.sec) * 1000 + c.ms;
	else
		ms = convo_time_local(c.year, c.month, c.day, c.hour, c.min,
		    c.sec, c.ms);
	return check_range(out, why, ms);
}

/*
 * Epoch numbers above 1e11 are milliseconds: as seconds that would be the
 * year 5138, and as milliseconds 1e11 is 1973, so the two never overlap
 * within the accepted range.  Sub-millisecond parts are rounded, because
 * a double holds "1795689015.123" as 1795689015.12299990654.
 */
int
convo_time_from_epoch(int64_t *out, const char **why, double v)
{
	double ms;

	*out = CONVO_TIME_NONE;
	if (isnan(v) || isinf(v)) {
		*why = "not a finite number";
		return CONVO_EDATA;
	}
	if (v < 0) {
		*why = "negative epoch time";
		return CONVO_EDATA;
	}
	ms = floor((v > 1e11 ? v : v * 1000) + 0.5);
	/* Range-check as a double first: a huge value does not fit int64_t. */
	if (ms >= (double)CONVO_TIME_MAX)
		return check_range(out, why, CONVO_TIME_MAX);
	return check_range(out, why, (int64_t)ms);
}

/* Writes "YYYY-MM-DDTHH:MM:SS[.mmm]" for wall-clock milliseconds. */
static int
format_wall(char *buf, size_t size, int64_t wall_ms)
{
	int64_t secs = floor_div(wall_ms, 1000);
	int64_t days = floor_div(secs, DAY_SECS), rem = secs - days * DAY_SECS;
	int64_t year;
	int ms = (int)(wall_ms % 1000), month, day, n;

	/* Not wall_ms - secs * 1000: that overflows near INT64_MIN. */
	if (ms < 0)
		ms += 1000;
	civil_from_days(days, &year, &month, &day);
	n = snprintf(buf, size, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", year,
	    month, day, (int)(rem / 3600), (int)(rem / 60 % 60),
	    (int)(rem % 60));
	if (ms != 0 && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ".%03d", ms);
	return n;
}

/* CONVO_TIME_NONE formats as an empty string: there is no time to show. */
char *
convo_time_format_utc(char *buf, int64_t ms)
{
	int n;

	buf[0] = '\0';
	if (ms == CONVO_TIME_NONE)
		return buf;
	n = format_wall(buf, CONVO_TIME_BUFSZ, ms);
	if (n > 0 && n < CONVO_TIME_BUFSZ - 1) {
		buf[n] = 'Z';
		buf[n + 1] = '\0';
	}
	return buf;
}

/*
 * The offset comes from tm_gmtoff; seconds in it (local mean time before
 * 1900, long before CONVO_TIME_MIN) are dropped, as RFC 3339 has none.
 * A time so far out that adding the offset would overflow (a corrupt
 * stored value) is shown in UTC, as "+00:00".
 */
char *
convo_time_format_local(char *buf, int64_t ms)
{
	time_t t = (time_t)floor_div(ms, 1000);
	long off, a;
	int n;

	buf[0] = '\0';
	if (ms == CONVO_TIME_NONE)
		return buf;
	off = ms > INT64_MIN / 2 && ms < INT64_MAX / 2 ? offset_at(t) : 0;
	a = off < 0 ? -off : off;
	n = format_wall(buf, CONVO_TIME_BUFSZ, ms + (int64_t)off * 1000);
	if (n > 0 && n < CONVO_TIME_BUFSZ)
		snprintf(buf + n, CONVO_TIME_BUFSZ - (size_t)n, "%c%02ld:%02ld",
		    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	return buf;
}
