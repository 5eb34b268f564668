/*
 * test_period.c: lib/period.c: every period name and --since/--until at
 * a fixed now, with their previous periods, in UTC and in Europe/Berlin
 * across the DST changes of 2026-03-29 (a 23-hour day) and 2026-10-25
 * (a 25-hour day); the days, weeks and months of --by and their labels.
 * Expected instants were computed with Python's zoneinfo.
 */
#include "convo.h"

#include <stdlib.h>
#include <time.h>

#include "tap.h"

#define NONE CONVO_TIME_NONE
#define HOUR INT64_C(3600000)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Resolves and compares all four bounds. */
static void
period_is(const char *name, const char *since, const char *until,
    int64_t now, int64_t s, int64_t u, int64_t ps, int64_t pu,
    const char *what)
{
	struct convo_period p;
	const char *why;
	int rc;

	rc = convo_period_resolve(&p, &why, name, since, until, now);
	if (!tap_ok(rc == 0 && p.since == s && p.until == u &&
	    p.prev_since == ps && p.prev_until == pu, __FILE__, __LINE__,
	    what))
		printf("#   rc %d (%s): %lld %lld, previous %lld %lld\n", rc,
		    why ? why : "", (long long)p.since, (long long)p.until,
		    (long long)p.prev_since, (long long)p.prev_until);
}

static void
test_utc(void)
{
	int64_t now = INT64_C(1795176000000);	/* 2026-11-20T12:00Z, Fri */
	struct convo_period p;
	const char *why;

	set_tz("UTC");
	period_is("today", NULL, NULL, now, INT64_C(1795132800000), now,
	    INT64_C(1795046400000), INT64_C(1795089600000),
	    "today runs to now, against yesterday up to the same time");
	period_is("yesterday", NULL, NULL, now, INT64_C(1795046400000),
	    INT64_C(1795132800000), INT64_C(1794960000000),
	    INT64_C(1795046400000), "yesterday, against the day before");
	period_is("7d", NULL, NULL, now, INT64_C(1794528000000),
	    INT64_C(1795132800000), INT64_C(1793923200000),
	    INT64_C(1794528000000), "7d: the 7 whole days before today");
	period_is(NULL, NULL, NULL, now, INT64_C(1794528000000),
	    INT64_C(1795132800000), INT64_C(1793923200000),
	    INT64_C(1794528000000), "7d is the default");
	period_is("30d", NULL, NULL, now, INT64_C(1792540800000),
	    INT64_C(1795132800000), INT64_C(1789948800000),
	    INT64_C(1792540800000), "30d, against the 30 days before");
	period_is("this-month", NULL, NULL, now, INT64_C(1793491200000), now,
	    INT64_C(1790812800000), INT64_C(1792497600000),
	    "this-month runs to now, against October up to the 20th 12:00");
	period_is("last-month", NULL, NULL, now, INT64_C(1790812800000),
	    INT64_C(1793491200000), INT64_C(1788220800000),
	    INT64_C(1790812800000), "last-month, against the month before");
	period_is("all", NULL, NULL, now, CONVO_TIME_MIN, CONVO_TIME_MAX, NONE,
	    NONE, "all has no previous period");
	period_is(NULL, "2026-11-01", "2026-11-08", now,
	    INT64_C(1793491200000), INT64_C(1794096000000),
	    INT64_C(1792886400000), INT64_C(1793491200000),
	    "dates: local midnights, until exclusive, 7 days before");
	period_is(NULL, "2026-11-20T10:00:00Z", NULL, now,
	    INT64_C(1795168800000), now, INT64_C(1795161600000),
	    INT64_C(1795168800000), "--since alone runs to now, against as "
	    "long before");
	period_is(NULL, NULL, "2026-11-08", now, CONVO_TIME_MIN,
	    INT64_C(1794096000000), NONE, NONE,
	    "--until alone: open start, no previous period");
	is_int(convo_period_resolve(&p, &why, "fortnight", NULL, NULL, now),
	    CONVO_EUSAGE, "an unknown period name");
	is_int(convo_period_resolve(&p, &why, NULL, "2026-11-08", "2026-11-08",
	    now), CONVO_EUSAGE, "an empty period");
	is_int(convo_period_resolve(&p, &why, NULL, "2026-11-31", NULL, now),
	    CONVO_EUSAGE, "a bad date");
	is_str(why, "day out of range", "says why");
}

static void
test_berlin(void)
{
	int64_t now;

	set_tz("Europe/Berlin");
	/* 2026-10-26T12:00+01:00: yesterday had 25 hours. */
	now = INT64_C(1793012400000);
	period_is("yesterday", NULL, NULL, now, INT64_C(1792879200000),
	    INT64_C(1792969200000), INT64_C(1792879200000) - 24 * HOUR,
	    INT64_C(1792879200000), "yesterday across the end of DST");
	is_int(INT64_C(1792969200000) - INT64_C(1792879200000), 25 * HOUR,
	    "is 25 hours long");
	period_is("today", NULL, NULL, now, INT64_C(1792969200000), now,
	    INT64_C(1792879200000), INT64_C(1792926000000),
	    "today, against 12:00 yesterday in the other offset");
	period_is("7d", NULL, NULL, now, INT64_C(1792360800000),
	    INT64_C(1792969200000), INT64_C(1791756000000),
	    INT64_C(1792360800000), "7d starts at a local midnight");
	period_is(NULL, "2026-10-20", "2026-10-27", now,
	    INT64_C(1792447200000), INT64_C(1793055600000),
	    INT64_C(1791842400000), INT64_C(1792447200000),
	    "7 dates over the change: the previous 7 start at a midnight too");

	/* 2026-03-30T12:00+02:00: yesterday had 23 hours. */
	now = INT64_C(1774864800000);
	period_is("yesterday", NULL, NULL, now, INT64_C(1774738800000),
	    INT64_C(1774821600000), INT64_C(1774738800000) - 24 * HOUR,
	    INT64_C(1774738800000), "yesterday across the start of DST");
	is_int(INT64_C(1774821600000) - INT64_C(1774738800000), 23 * HOUR,
	    "is 23 hours long");
	/* 2026-04-01T12:00+02:00 */
	period_is("last-month", NULL, NULL, INT64_C(1775037600000),
	    INT64_C(1772319600000), INT64_C(1774994400000),
	    INT64_C(1769900400000), INT64_C(1772319600000),
	    "last-month: March in two offsets, against February");
	/* 2026-03-31T12:00+02:00: February has no 31st. */
	period_is("this-month", NULL, NULL, INT64_C(1774951200000),
	    INT64_C(1772319600000), INT64_C(1774951200000),
	    INT64_C(1769900400000), INT64_C(1772319600000),
	    "this-month on the 31st: against all of February");
}

/* Samoa skipped 2011-12-30, going from UTC-10 to UTC+14. */
static void
test_apia(void)
{
	/* 2011-12-31T16:47:21.355+14:00 */
	int64_t now = INT64_C(1325299641355), midnight = INT64_C(1325239200000);

	set_tz("Pacific/Apia");
	/* Found by fuzz_period: the previous period ran on to now. */
	period_is("today", NULL, NULL, now, midnight, now, midnight, midnight,
	    "today after a skipped day: an empty previous period, not today");
	period_is("yesterday", NULL, NULL, now, midnight, midnight,
	    INT64_C(1325152800000), midnight,
	    "yesterday was skipped: empty, against the 29th");
}

static void
test_units(void)
{
	int64_t t = INT64_C(1792967400000);	/* 2026-10-25T23:30+01:00, Sun */
	char buf[32];

	set_tz("Europe/Berlin");
	is_int(convo_period_start(t, CONVO_PERIOD_DAY), INT64_C(1792879200000),
	    "the day of a time: its local midnight");
	is_int(convo_period_next(INT64_C(1792879200000), CONVO_PERIOD_DAY),
	    INT64_C(1792969200000), "the next day, 25 hours on");
	is_int(convo_period_start(t, CONVO_PERIOD_WEEK),
	    INT64_C(1792360800000), "the week: Monday 00:00");
	is_int(convo_period_next(INT64_C(1792360800000), CONVO_PERIOD_WEEK),
	    INT64_C(1792969200000), "the next week: the Monday after");
	is_int(convo_period_start(t, CONVO_PERIOD_MONTH),
	    INT64_C(1790805600000), "the month: the 1st, 00:00");
	is_int(convo_period_next(INT64_C(1790805600000), CONVO_PERIOD_MONTH),
	    INT64_C(1793487600000), "the next month, in the other offset");
	is_str(convo_period_label(buf, sizeof(buf), t, CONVO_PERIOD_DAY),
	    "2026-10-25", "a day's label: the local date");
	is_str(convo_period_label(buf, sizeof(buf), t, CONVO_PERIOD_WEEK),
	    "2026-W43", "a week's label: the ISO week");
	is_str(convo_period_label(buf, sizeof(buf), t, CONVO_PERIOD_MONTH),
	    "2026-10", "a month's label");
	set_tz("UTC");
	is_str(convo_period_label(buf, sizeof(buf), t, CONVO_PERIOD_DAY),
	    "2026-10-25", "in UTC it is 22:30 the same day");
}

int
main(void)
{
	test_utc();
	test_berlin();
	test_apia();
	test_units();
	return done_testing();
}
