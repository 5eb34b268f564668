/*
 * fuzz_time.c: libFuzzer harness for the timestamps (lib/time.c) and the
 * local times the transcripts show (tr_date, tr_clock, tr_datetime).
 *
 * The input: a byte that picks the time zone (UTC, zones with DST, a
 * half-hour DST, offsets of :30 and :45, midnight DST changes, the day
 * Samoa skipped), then the text of a timestamp up to the first NUL.  The
 * bytes after the zone byte are also read as a double (an epoch number)
 * and as an int64_t (a stored time), and as local wall-clock fields.
 *
 * Checked:
 *   - convo_time_parse: a time read is in [CONVO_TIME_MIN,
 *     CONVO_TIME_MAX) and reads back the same from both its UTC and its
 *     local form; a bare date is the start of that local day; a text
 *     with an offset reads the same in every zone; a failure says why
 *     and leaves CONVO_TIME_NONE;
 *   - convo_time_from_epoch: a time read is in range and the number in
 *     seconds or milliseconds, rounded;
 *   - convo_time_local: the instant shows the wall clock asked for,
 *     unless that fell in a gap, which moves it forward by under a day;
 *   - the formatters end their text within their buffers, and the
 *     transcripts' day and clock agree with convo_time_format_local.
 */
#include "convo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
	"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
	"Asia/Kolkata", "Asia/Kathmandu", "America/Santiago", "Pacific/Apia",
	"America/St_Johns", "America/Havana"
};
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* A formatted time must end inside its buffer, with no byte left raw. */
static void
check_buf(const char *buf, size_t size)
{
	if (memchr(buf, '\0', size) == NULL)
		abort();
}

/* The formatters on any stored value: no crash, text ends in its buffer. */
static void
format_any(int64_t t)
{
	char a[CONVO_TIME_BUFSZ], b[TR_TIMESZ];

	check_buf(convo_time_format_utc(a, t), sizeof(a));
	check_buf(convo_time_format_local(a, t), sizeof(a));
	if (t == CONVO_TIME_NONE)
		return;
	check_buf(tr_date(b, t), sizeof(b));
	check_buf(tr_clock(b, t), sizeof(b));
	check_buf(tr_datetime(b, t), sizeof(b));
}

/* The seconds east of UTC in local time at t (ms). */
static long
offset_at(int64_t t)
{
	time_t s = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);
	struct tm tm;

	if (localtime_r(&s, &tm) == NULL)
		abort();
	return tm.tm_gmtoff;
}

/* A time in range reads back the same from what it formats to. */
static void
round_trip(int64_t t)
{
	char a[CONVO_TIME_BUFSZ], d[TR_TIMESZ];
	const char *why;
	int64_t back;

	if (convo_time_parse(&back, &why, convo_time_format_utc(a, t)) != 0 ||
	    back != t)
		abort();
	if (convo_time_parse(&back, &why, convo_time_format_local(a, t)) !=
	    0 || back != t)
		abort();
	/* "2026-11-20T11:30:15+01:00": the transcripts' day and clock. */
	if (strncmp(tr_date(d, t), a, 10) != 0 || a[10] != 'T' ||
	    strncmp(tr_clock(d, t), a + 11, 8) != 0)
		abort();
	if (strncmp(tr_datetime(d, t), a, 10) != 0 || strncmp(d + 11, a + 11,
	    8) != 0)
		abort();
}

static void
check_parse(const char *text)
{
	int64_t t, u;
	const char *why = NULL, *why2;
	char a[CONVO_TIME_BUFSZ];
	int rc, rc2;

	rc = convo_time_parse(&t, &why, text);
	if (rc != 0) {
		if (rc != CONVO_EDATA || why == NULL || *why == '\0' ||
		    t != CONVO_TIME_NONE)
			abort();
		return;
	}
	if (t < CONVO_TIME_MIN || t >= CONVO_TIME_MAX)
		abort();
	round_trip(t);
	/*
	 * A bare date is the first instant of that local day, or of the
	 * next day there is when the zone skipped it.
	 */
	if (strlen(text) == 10 && (strncmp(convo_time_format_local(a, t),
	    text, 10) < 0 || strncmp(convo_time_format_local(a, t - 1), text,
	    10) >= 0))
		abort();
	/* With an offset, the zone does not matter. */
	if (strlen(text) > 16 && strpbrk(text + 16, "Zz+-") != NULL) {
		char *tz = getenv("TZ"), keep[64];

		snprintf(keep, sizeof(keep), "%s", tz ? tz : "UTC");
		zone("UTC");
		rc2 = convo_time_parse(&u, &why2, text);
		zone(keep);
		if (rc2 != 0 || u != t)
			abort();
	}
}

static void
check_epoch(double v)
{
	const char *why = NULL;
	double want;
	int64_t t;

	if (convo_time_from_epoch(&t, &why, v) != 0) {
		if (why == NULL || *why == '\0' || t != CONVO_TIME_NONE)
			abort();
		return;
	}
	if (t < CONVO_TIME_MIN || t >= CONVO_TIME_MAX)
		abort();
	want = v > 1e11 ? v : v * 1000;
	if (fabs((double)t - want) > 0.501)
		abort();
	round_trip(t);
}

/*
 * Local wall-clock fields as period.c hands them: a year of the range, a
 * month, and a day that may run over the month either way.  The instant
 * must show that wall clock (timegm's reading of the fields) unless it
 * fell into a gap, which moves it forward by less than a day.
 */
static void
check_local(const uint8_t *p)
{
	struct tm tm;
	int64_t t, want, got;
	int ms = (p[6] << 8 | p[7]) % 1000;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 100 + p[0] % 100;
	tm.tm_mon = p[1] % 12;
	tm.tm_mday = (int)(p[2] % 96) - 31;
	tm.tm_hour = p[3] % 24;
	tm.tm_min = p[4] % 60;
	tm.tm_sec = p[5] % 60;
	t = convo_time_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	want = (int64_t)timegm(&tm) * 1000 + ms;
	got = t + (int64_t)offset_at(t) * 1000;
	if (got != want && (got < want || got - want >= 86400000))
		abort();
	if (t >= CONVO_TIME_MIN && t < CONVO_TIME_MAX)
		round_trip(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *end;
	double v;
	int64_t t;

	if (size < 1 || size > 4096)
		return 0;
	zone(zones[data[0] % N_ZONES]);
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	check_parse(text);
	v = strtod(text, &end);
	if (end != text && *end == '\0')
		check_epoch(v);
	if (size >= 9) {
		memcpy(&v, data + 1, sizeof(v));
		check_epoch(v);
		memcpy(&t, data + 1, sizeof(t));
		format_any(t);
		check_local(data + 1);
	}
	free(text);
	return 0;
}
