/*
 * test_time.c: unit tests of lib/time.c: RFC 3339 parsing and its
 * reasons for rejecting, epoch numbers, local time across DST changes in
 * Europe/Berlin and America/New_York, and formatting.  Expected values
 * were computed with `date -u -d TIME +%s`.
 */
#include "convo.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "tap.h"

/* 2026-11-20T10:30:15Z */
#define T0 INT64_C(1795170615000)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Parses s and checks the result against want (ms). */
static void
parses(const char *s, int64_t want)
{
	int64_t got;
	const char *why = NULL;
	int rc;

	rc = convo_time_parse(&got, &why, s);
	if (!ok(rc == 0 && got == want, s))
		printf("#   rc %d, why '%s', got %" PRId64 ", want %"
		    PRId64 "\n", rc, why ? why : "", got, want);
}

/* Checks that s is rejected with the reason want. */
static void
rejects(const char *s, const char *want)
{
	int64_t got = 0;
	const char *why = NULL;
	char name[128];
	int rc;

	snprintf(name, sizeof(name), "'%s' rejected", s);
	rc = convo_time_parse(&got, &why, s);
	ok(rc == CONVO_EDATA && got == CONVO_TIME_NONE, name);
	is_str(why, want, "  with the right reason");
}

static void
test_utc(void)
{
	parses("2026-11-20T10:30:15Z", T0);
	parses("2026-11-20t10:30:15z", T0);
	parses("2026-11-20 10:30:15Z", T0);
	parses("2026-11-20T10:30Z", T0 - 15000);
	parses("2026-11-20T11:30:15+01:00", T0);
	parses("2026-11-20T11:30:15+0100", T0);
	parses("2026-11-20T11:30:15+01", T0);
	parses("2026-11-20T05:00:15-0530", T0);
	parses("2026-11-20T05:00:15-05:30", T0);
	parses("2026-11-20T10:30:15-00:00", T0);
	parses("2026-11-21T04:30:15+18:00", T0);
	parses("2026-11-19T16:30:15-18:00", T0);
	/* An offset can move the date across midnight and month ends. */
	parses("2026-12-01T00:30:15+14:00", INT64_C(1796034615000));
}

static void
test_fraction(void)
{
	parses("2026-11-20T10:30:15.123Z", T0 + 123);
	parses("2026-11-20T10:30:15.1Z", T0 + 100);
	parses("2026-11-20T10:30:15.12Z", T0 + 120);
	parses("2026-11-20T10:30:15,5Z", T0 + 500);
	parses("2026-11-20T10:30:15.000Z", T0);
	/* Digits past the millisecond are truncated, never rounded up. */
	parses("2026-11-20T10:30:15.999999999Z", T0 + 999);
	parses("2026-11-20T10:30:15.123456+01:00", T0 - 3600000 + 123);
	/* A leap second stays in its minute as :59.999. */
	parses("2026-12-31T23:59:60Z", INT64_C(1798761599999));
	parses("2026-12-31T23:59:60.5Z", INT64_C(1798761599999));
}

static void
test_calendar(void)
{
	parses("2028-02-29T00:00:00Z", INT64_C(1835395200000));
	parses("2000-02-29T00:00:00Z", INT64_C(951782400000));
	rejects("2026-02-29T00:00:00Z", "day out of range");
	rejects("2100-02-29T00:00:00Z", "day out of range");
	rejects("2026-04-31T00:00:00Z", "day out of range");
	rejects("2026-11-00T00:00:00Z", "day out of range");
	rejects("2026-13-01T00:00:00Z", "month out of range");
	rejects("2026-00-10T00:00:00Z", "month out of range");
	rejects("2026-11-20T24:00:00Z", "hour out of range");
	rejects("2026-11-20T10:60:00Z", "minute out of range");
	rejects("2026-11-20T10:30:61Z", "second out of range");
}

static void
test_range(void)
{
	parses("2000-01-01T00:00:00Z", CONVO_TIME_MIN);
	parses("2099-12-31T23:59:59.999Z", CONVO_TIME_MAX - 1);
	/* The range applies to the instant, not to the digits. */
	parses("1999-12-31T23:30:00-01:00", CONVO_TIME_MIN + 1800000);
	parses("2100-01-01T00:30:00+01:00", CONVO_TIME_MAX - 1800000);
	rejects("1999-12-31T23:59:59Z", "timestamp before 2000-01-01");
	rejects("1970-01-01T00:00:00Z", "timestamp before 2000-01-01");
	rejects("0000-01-01T00:00:00Z", "timestamp before 2000-01-01");
	rejects("2100-01-01T00:00:00Z", "timestamp after 2099-12-31");
	rejects("9999-12-31T23:59:59Z", "timestamp after 2099-12-31");
}

static void
test_garbage(void)
{
	rejects("", "not a timestamp");
	rejects("yesterday", "not a timestamp");
	rejects("1795170615", "not a timestamp");
	rejects("2026-11-2", "not a timestamp");
	rejects("2026/11/20", "not a timestamp");
	rejects("26-11-20", "not a timestamp");
	rejects("2026-11-20X10:30:15Z", "not a timestamp");
	rejects("2026-11-20T10", "not a timestamp");
	rejects("2026-11-20T1:30:15Z", "not a timestamp");
	rejects("2026-11-20T10:30:1Z", "not a timestamp");
	rejects("2026-11-20T10:30:15.Z", "not a timestamp");
	rejects("2026-11-20T10:30.5Z", "unexpected text after timestamp");
	rejects("2026-11-20Z", "not a timestamp");
	rejects("2026-11-20T10:30:15Zjunk", "unexpected text after timestamp");
	rejects("2026-11-20T10:30:15Z ", "unexpected text after timestamp");
	rejects(" 2026-11-20T10:30:15Z", "not a timestamp");
	rejects("2026-11-20T10:30:15+1", "bad time zone offset");
	rejects("2026-11-20T10:30:15+01:0", "bad time zone offset");
	rejects("2026-11-20T10:30:15+013", "bad time zone offset");
	rejects("2026-11-20T10:30:15+01:60", "bad time zone offset");
	rejects("2026-11-20T10:30:15+18:01", "bad time zone offset");
	rejects("2026-11-20T10:30:15+19", "bad time zone offset");
	rejects("2026-11-20T10:30:15+", "bad time zone offset");
	rejects("2026-11-20T10:30:15+01:00:00",
	    "unexpected text after timestamp");
}

static void
from_epoch(double v, int64_t want, const char *name)
{
	int64_t got;
	const char *why = NULL;
	int rc;

	rc = convo_time_from_epoch(&got, &why, v);
	if (!ok(rc == 0 && got == want, name))
		printf("#   rc %d, why '%s', got %" PRId64 "\n", rc,
		    why ? why : "", got);
}

static void
epoch_rejects(double v, const char *want, const char *name)
{
	int64_t got = 0;
	const char *why = NULL;

	ok(convo_time_from_epoch(&got, &why, v) == CONVO_EDATA &&
	    got == CONVO_TIME_NONE, name);
	is_str(why, want, "  with the right reason");
}

static void
test_epoch(void)
{
	from_epoch(1795170615, T0, "epoch seconds");
	from_epoch(1795170615000.0, T0, "epoch milliseconds");
	from_epoch(1795170615.123, T0 + 123, "fractional seconds");
	from_epoch(1795170615.5, T0 + 500, "half a second");
	from_epoch(946684800, CONVO_TIME_MIN, "the lowest time in seconds");
	from_epoch(946684800000.0, CONVO_TIME_MIN, "the lowest time in ms");
	epoch_rejects(NAN, "not a finite number", "NaN");
	epoch_rejects(INFINITY, "not a finite number", "infinity");
	epoch_rejects(-INFINITY, "not a finite number", "minus infinity");
	epoch_rejects(-1795170615, "negative epoch time", "negative");
	epoch_rejects(0, "timestamp before 2000-01-01", "zero");
	/* 1e11 exactly is still seconds: the year 5138. */
	epoch_rejects(1e11, "timestamp after 2099-12-31", "1e11 seconds");
	/* Just above 1e11 it is milliseconds: 1973. */
	epoch_rejects(1e11 + 1, "timestamp before 2000-01-01", "1e11 ms");
	epoch_rejects(4102444800.0, "timestamp after 2099-12-31",
	    "2100 in seconds");
	epoch_rejects(1e300, "timestamp after 2099-12-31", "1e300");
}

static void
test_berlin(void)
{
	set_tz("Europe/Berlin");
	/* Winter: UTC+1. */
	parses("2026-11-20T11:30:15", T0);
	parses("2026-11-20 11:30:15.123", T0 + 123);
	parses("2026-11-20T11:30", T0 - 15000);
	parses("2026-11-20", INT64_C(1795129200000));
	/* Summer: UTC+2. */
	parses("2026-07-01T12:00:00", INT64_C(1782900000000));
	/* 02:30 does not exist on 2026-03-29: it becomes 03:30 CEST. */
	parses("2026-03-29T02:30:00", INT64_C(1774747800000));
	is_int(convo_time_local(2026, 3, 29, 2, 30, 0, 0),
	    INT64_C(1774747800000), "gap: moved forward by the hour");
	/* 02:30 happens twice on 2026-10-25: the first, in CEST. */
	parses("2026-10-25T02:30:00", INT64_C(1792888200000));
	is_int(convo_time_local(2026, 10, 25, 2, 30, 0, 0),
	    INT64_C(1792888200000), "ambiguous: the earlier instant");
	/* Either side of the repeated hour is unambiguous. */
	parses("2026-10-25T01:59:59", INT64_C(1792886399000));
	parses("2026-10-25T03:00:00", INT64_C(1792893600000));
	/* An explicit offset ignores TZ. */
	parses("2026-11-20T10:30:15Z", T0);
}

static void
test_new_york(void)
{
	set_tz("America/New_York");
	parses("2026-11-20T05:30:15", T0);
	parses("2026-11-20", INT64_C(1795150800000));
	/* Clocks go forward at 02:00 on 2026-03-08. */
	is_int(convo_time_local(2026, 3, 8, 2, 30, 0, 0),
	    INT64_C(1772955000000), "gap: 02:30 becomes 03:30 EDT");
	/* And back at 02:00 on 2026-11-01: 01:30 EDT comes first. */
	is_int(convo_time_local(2026, 11, 1, 1, 30, 0, 0),
	    INT64_C(1793511000000), "ambiguous: 01:30 EDT");
	is_int(convo_time_local(2026, 11, 1, 1, 30, 0, 250),
	    INT64_C(1793511000250), "milliseconds are kept");
	/* Local time near the range ends is checked after conversion. */
	parses("1999-12-31T19:00:00", CONVO_TIME_MIN);
	rejects("1999-12-31T18:59:59", "timestamp before 2000-01-01");
	rejects("2099-12-31T19:00:00", "timestamp after 2099-12-31");
}

static void
test_format(void)
{
	char buf[CONVO_TIME_BUFSZ];

	is_str(convo_time_format_utc(buf, T0), "2026-11-20T10:30:15Z",
	    "UTC without milliseconds");
	is_str(convo_time_format_utc(buf, T0 + 7), "2026-11-20T10:30:15.007Z",
	    "UTC with milliseconds");
	is_str(convo_time_format_utc(buf, INT64_C(1835395200000)),
	    "2028-02-29T00:00:00Z", "a leap day");
	is_str(convo_time_format_utc(buf, CONVO_TIME_MAX - 1),
	    "2099-12-31T23:59:59.999Z", "the last millisecond");
	is_str(convo_time_format_utc(buf, 0), "1970-01-01T00:00:00Z",
	    "the epoch");
	is_str(convo_time_format_utc(buf, -1), "1969-12-31T23:59:59.999Z",
	    "before the epoch");
	is_str(convo_time_format_utc(buf, CONVO_TIME_NONE), "", "no time");

	set_tz("Europe/Berlin");
	is_str(convo_time_format_local(buf, T0), "2026-11-20T11:30:15+01:00",
	    "Berlin in winter");
	is_str(convo_time_format_local(buf, INT64_C(1782900000123)),
	    "2026-07-01T12:00:00.123+02:00", "Berlin in summer");
	is_str(convo_time_format_local(buf, INT64_C(1792888200000)),
	    "2026-10-25T02:30:00+02:00", "the first 02:30");
	is_str(convo_time_format_local(buf, INT64_C(1792891800000)),
	    "2026-10-25T02:30:00+01:00", "the second 02:30");
	set_tz("America/New_York");
	is_str(convo_time_format_local(buf, T0), "2026-11-20T05:30:15-05:00",
	    "New York");
	/* Found by fuzz_time: these overflowed. */
	is_str(convo_time_format_utc(buf, INT64_MIN + 1),
	    "-292275055-05-16T16:47:04.193Z",
	    "a corrupt time far before the epoch in UTC");
	is_str(convo_time_format_local(buf, INT64_MIN + 1),
	    "-292275055-05-16T16:47:04.193+00:00",
	    "a corrupt time far before the epoch shows in UTC");
	is_str(convo_time_format_local(buf, INT64_MAX),
	    "292278994-08-17T07:12:55.807+00:00",
	    "a corrupt time far after the epoch shows in UTC");
	set_tz("Asia/Kolkata");
	is_str(convo_time_format_local(buf, T0), "2026-11-20T16:00:15+05:30",
	    "Kolkata");
	set_tz("UTC");
	is_str(convo_time_format_local(buf, T0), "2026-11-20T10:30:15+00:00",
	    "UTC as local");
	is_str(convo_time_format_local(buf, CONVO_TIME_NONE), "",
	    "no local time");
}

/* Every millisecond of a day survives format and parse. */
static void
test_round_trip(void)
{
	char buf[CONVO_TIME_BUFSZ];
	int64_t ms, got;
	const char *why;
	int bad = 0;

	set_tz("Europe/Berlin");
	for (ms = INT64_C(1792800000000); ms < INT64_C(1792980000000);
	    ms += 599999) {
		if (convo_time_parse(&got, &why, convo_time_format_utc(buf,
		    ms)) != 0 || got != ms)
			bad++;
		if (convo_time_parse(&got, &why, convo_time_format_local(buf,
		    ms)) != 0 || got != ms)
			bad++;
	}
	is_int(bad, 0, "format and parse round-trip across a DST change");
}

int
main(void)
{
	set_tz("UTC");
	test_utc();
	test_fraction();
	test_calendar();
	test_range();
	test_garbage();
	test_epoch();
	test_berlin();
	test_new_york();
	test_format();
	test_round_trip();
	return done_testing();
}
