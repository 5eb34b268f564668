/*
 * test_breakdown.c: the breakdowns of convo-stats over the hand-made
 * export testdata/breakdown/conversations.json, in UTC and in
 * Europe/Berlin, whose clocks go back on Sunday 2026-10-25 at 01:00 UTC
 * (03:00 CEST becomes 02:00 CET, a day of 25 hours).  Every expected row
 * was worked out by hand from the export; the comments say how.
 *
 * The export, times in UTC (U user, A assistant, S system; "click" is a
 * user click; fb thumbs; * fallback; 2026-10-24 is a Saturday):
 *
 *   c01 web_widget u1  shop-bot    desktop Chrome  DE Berlin/Berlin  ended
 *       24 09:00 U "Where is my order?"  09:00:05 A order-flow up
 *       09:00:30 S  09:01 U click quick_reply "Track order" track
 *       09:01:05 A order-flow
 *   c02 web_widget u2  shop-bot    mobile Safari   DE Bavaria/Munich ended
 *       24 10:15 U "  where is my ORDER "  10:15:05 A* order-flow down
 *       10:16 U click button "Talk to a human" handover
 *   c03 web_widget u1  support-bot desktop Chrome  DE Berlin/Berlin  active
 *       24 14:30 U "Do you ship to Austria??"  14:30:05 A shipping-flow up
 *       14:31 U click quick_reply "Track order" track  14:31:05 A
 *   c04 whatsapp   w1  support-bot -       -       AT Vienna/Vienna  active
 *       24 20:00 U "Hallo"  20:00:05 A greeting
 *   c05 whatsapp   w2  support-bot                                   active
 *       25 11:00 U "hallo!"  11:00:05 A greeting up
 *   c06 whatsapp   w3  support-bot                                   active
 *       25 20:00 U "Price of shipping?"  20:00:05 A*
 *       20:05 U "price of SHIPPING"
 *   c07 whatsapp   w1  -                                             ended
 *       24 08:00 U "Hallo"
 *   c08 test_chat  tester shop-bot                                   active
 *       24 12:00 U "Where is my order"  12:00:05 A* order-flow
 *   c09 web_widget (anonymous) shop-bot mobile Firefox FR Île-de-France/Paris
 *       24 23:30 U "¿DÓNDE está mi pedido?"  23:30:05 A order-flow  ended
 *   c10 web_widget u3  shop-bot    mobile Safari   FR -/-            ended
 *       25 00:30 U "WHERE is my order!!!"  00:31 A* order-flow
 *   c11 web_widget u4  shop-bot    tablet Chrome   DE Bavaria/Munich ended
 *       25 01:30 U "Hello"  01:30:05 A
 *   c12 web_widget u2  support-bot mobile Safari   DE Bavaria/Munich active
 *       25 22:30 U "Do you ship to Austria"  22:30:05 A shipping-flow down
 *   c13 voice      u5  -           ""     -        -                 ended
 *       25 23:30 U "do you   ship to austria?"  23:30:05 A  23:31 U "thanks"
 *   c14 web_widget u6  shop-bot    desktop Chrome  DE Berlin/Berlin  ended
 *       23 22:30 U click link "Shipping info" https://example.com/shipping
 *       22:30:05 A shipping-flow  22:31 U click link (the same)
 *   c15 web_widget u1  shop-bot    desktop Chrome  DE Berlin/Berlin  ended
 *       20 10:00 U "Hi"  10:00:05 A
 *
 * w1..w3 are +4915100000001..3.  Not understood (a typed user message
 * whose reply is a fallback): c02, c06's first, c08, c10.  "Now" is
 * 2026-10-26T12:00Z.
 */
#include "convo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

#define NOW INT64_C(1793016000000)	/* 2026-10-26T12:00:00Z */

static char dbpath[256];
static struct convo_store *st;
static char got[8192];
static char hdr[512];
static long fullscan_steps;

static void
use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* A query over local days [from, to) of October 2026, or other months. */
static struct convo_query
days(int month, int from, int to_month, int to)
{
	struct convo_query q = CONVO_QUERY_INIT;

	q.since = convo_time_local(2026, month, from, 0, 0, 0, 0);
	q.until = convo_time_local(2026, to_month, to, 0, 0, 0, 0);
	q.now = NOW;
	return q;
}

static struct convo_query
october(int from, int to)
{
	return days(10, from, 10, to);
}

/* Appends s to buf (size bytes), cutting what does not fit. */
static void
put(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s", s);
}

/* t printed as how, into a string the caller frees. */
static char *
print(const struct convo_table *t, enum convo_output how)
{
	char *p = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&p, &len);

	convo_table_print(fp, t, how, 0);
	fclose(fp);
	return p;
}

/* Sets hdr to t's column names joined by '|'; returns how many. */
static size_t
header(const struct convo_table *t)
{
	char *tsv = print(t, CONVO_OUT_TSV), *p;
	size_t n = 1;

	snprintf(hdr, sizeof(hdr), "%.*s", (int)strcspn(tsv, "\r\n"), tsv);
	free(tsv);
	for (p = hdr; *p != '\0'; p++)
		if (*p == '\t') {
			*p = '|';
			n++;
		}
	return n;
}

/* One cell of a row as bd() shows it. */
static void
put_cell(size_t c, const char *cell, int traffic)
{
	char h[32];

	if (traffic && c > 0) {
		if (cell != NULL && strcmp(cell, "0") != 0) {
			snprintf(h, sizeof(h), " h%02zu=%s", c - 1, cell);
			put(got, sizeof(got), h);
		}
		return;
	}
	if (c > 0)
		put(got, sizeof(got), "|");
	put(got, sizeof(got), cell != NULL ? cell : "-");
}

/*
 * Runs breakdown name and returns its rows, one line each, the cells
 * joined by '|' and null as '-'; a traffic row lists only the hours that
 * are not zero, as "Sat h08=1 h09=2".  Sets hdr to the column names.
 * "ERROR n: why" when it fails.
 */
static const char *
bd(const char *name, const struct convo_query *q, size_t top)
{
	struct convo_table *t;
	size_t r, c, n;
	int rc;

	got[0] = hdr[0] = '\0';
	if ((rc = convo_breakdown(&t, st, name, q, top)) != 0) {
		snprintf(got, sizeof(got), "ERROR %d: %s", rc,
		    convo_store_errmsg(st));
		return got;
	}
	n = header(t);
	for (r = 0; r < convo_table_rows(t); r++) {
		if (r > 0)
			put(got, sizeof(got), "\n");
		for (c = 0; c < n; c++)
			put_cell(c, convo_table_cell(t, r, c),
			    strcmp(name, "traffic") == 0);
	}
	convo_table_free(t);
	return got;
}

/* Breakdown name printed as JSON, to see which cells are numbers. */
static const char *
json(const char *name, const struct convo_query *q, size_t top)
{
	struct convo_table *t;
	char *p;

	got[0] = '\0';
	if (convo_breakdown(&t, st, name, q, top) != 0)
		return "ERROR";
	p = print(t, CONVO_OUT_JSON);
	snprintf(got, sizeof(got), "%s", p);
	free(p);
	convo_table_free(t);
	return got;
}

static int
count_lines(const char *s)
{
	int n = *s != '\0';

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Adds up the full-scan steps of every statement that finishes. */
static int
on_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)ctx;
	(void)x;
	fullscan_steps += sqlite3_stmt_status(p,
	    SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	return 0;
}

static void
test_names(void)
{
	const char *const *n = convo_breakdown_names();
	struct convo_query q = october(24, 26);
	struct convo_table *t = (struct convo_table *)&q;
	char list[512] = "";
	size_t i;

	for (i = 0; n[i] != NULL; i++) {
		put(list, sizeof(list), i > 0 ? " " : "");
		put(list, sizeof(list), n[i]);
	}
	is_str(list, "traffic trend clicks agents sources assistants devices "
	    "browsers countries regions cities status top_questions "
	    "top_not_understood whatsapp_window", "the names, in order");
	is_int(convo_breakdown(&t, st, "nonsense", &q, 0), CONVO_EUSAGE,
	    "an unknown name is a usage error");
	ok(t == NULL, "and *out is NULL");
}

/*
 * UTC, Saturday 24 and Sunday 25: the conversations c01 c02 c03 c04 c07
 * c09 (24th) and c05 c06 c10 c11 c12 c13 (25th); c08 is test traffic,
 * c14 and c15 started before.
 */
static void
test_utc(void)
{
	struct convo_query q;

	use_tz("UTC");
	q = october(24, 26);

	/* The user messages by hour, clicks included; c08's left out. */
	is_str(bd("traffic", &q, 0), "Mon\nTue\nWed\nThu\nFri\n"
	    "Sat h08=1 h09=2 h10=2 h14=2 h20=1 h23=1\n"
	    "Sun h00=1 h01=1 h11=1 h20=2 h22=1 h23=2", "traffic, UTC");
	ok(strncmp(hdr, "weekday|h00|h01|", 16) == 0 &&
	    strcmp(hdr + strlen(hdr) - 4, "|h23") == 0, "traffic's columns");

	/*
	 * 24th: 6 conversations of u1 u2 w1 (c04, c07) and c09's own
	 * user: 4; messages 4 + 3 + 4 + 2 + 1 + 2 (c01's system line not
	 * counted).  25th: 6 of 6 users; 2 + 3 + 2 + 2 + 2 + 3.
	 */
	is_str(bd("trend", &q, 0), "2026-10-24|6|4|16\n2026-10-25|6|6|14",
	    "trend, UTC");
	is_str(hdr, "day|conversations|users|messages", "trend's columns");

	is_str(bd("clicks", &q, 0), "quick_reply|Track order|track|2\n"
	    "button|Talk to a human|handover|1", "clicks");
	is_str(hdr, "type|title|target|clicks", "clicks' columns");

	/*
	 * order-flow: c01 twice, c02, c09, c10; none: c03's second, c06,
	 * c11, c13; greeting: c04, c05; shipping-flow: c03, c12.
	 */
	is_str(bd("agents", &q, 0), "order-flow|5|1|1\n(none)|4|0|0\n"
	    "greeting|2|1|0\nshipping-flow|2|1|1", "agents");
	is_str(hdr, "agent|views|thumbs_up|thumbs_down", "agents' columns");

	/* web_widget: c01 c02 c03 c09 c10 c11 c12 of u1 u2 c09 u3 u4. */
	is_str(bd("sources", &q, 0), "web_widget|7|5\nwhatsapp|4|3\n"
	    "voice|1|1", "sources");
	is_str(hdr, "source|conversations|users", "sources' columns");
	/* Equal counts go by name; no value comes last. */
	is_str(bd("assistants", &q, 0), "shop-bot|5|5\nsupport-bot|5|5\n"
	    "(unknown)|2|2", "assistants");
	/* No device: the WhatsApp ones and c13's "". */
	is_str(bd("devices", &q, 0), "(unknown)|5|4\nmobile|4|3\n"
	    "desktop|2|1\ntablet|1|1", "devices");
	is_str(bd("browsers", &q, 0), "(unknown)|5|4\nChrome|3|2\n"
	    "Safari|3|2\nFirefox|1|1", "browsers");
	is_str(bd("countries", &q, 0), "DE|5|3\n(unknown)|4|4\nFR|2|2\n"
	    "AT|1|1", "countries");
	/* Byte order: 'V' before the UTF-8 of 'Î'. */
	is_str(bd("regions", &q, 0), "(unknown)|5|5\nBavaria|3|2\n"
	    "Berlin|2|1\nVienna|1|1\nÎle-de-France|1|1", "regions");
	is_str(bd("cities", &q, 0), "(unknown)|5|5\nMunich|3|2\n"
	    "Berlin|2|1\nParis|1|1\nVienna|1|1", "cities");
	is_str(hdr, "city|conversations|users", "cities' columns");

	/* Active: c03 c04 c05 c06 c12; 7 / 12 and 5 / 12. */
	is_str(bd("status", &q, 0), "ended|7|0.5833\nactive|5|0.4167",
	    "status");
	is_str(hdr, "status|conversations|share", "status' columns");
	is_str(json("status", &q, 0), "[\n"
	    "  {\"status\": \"ended\", \"conversations\": 7, "
	    "\"share\": 0.5833},\n"
	    "  {\"status\": \"active\", \"conversations\": 5, "
	    "\"share\": 0.4167}\n]\n", "counts and shares are JSON numbers");

	/*
	 * Normalized: c01 c02 c10 "where is my order", c04 c05 c07
	 * "hallo", c03 c12 c13 "do you ship to austria"; c09's Ó folds.
	 */
	is_str(bd("top_questions", &q, 0), "do you ship to austria|3\n"
	    "hallo|3\nwhere is my order|3\ndónde está mi pedido|1\nhello|1\n"
	    "price of shipping|1", "top_questions");
	is_str(hdr, "question|conversations", "top_questions' columns");

	/* c02 and c10; c06's first message; c08 is test traffic. */
	is_str(bd("top_not_understood", &q, 0), "where is my order|2\n"
	    "price of shipping|1", "top_not_understood");
	is_str(hdr, "message|count", "top_not_understood's columns");

	/*
	 * Active on WhatsApp: c04 (last user message 40 h before now),
	 * c05 (25 h); c06's is 15.9 h old; c07 has ended.
	 */
	is_str(bd("whatsapp_window", &q, 0),
	    "c04|+4915100000001|2026-10-24 20:00|40.0\n"
	    "c05|+4915100000002|2026-10-25 11:00|25.0", "whatsapp_window");
	is_str(hdr, "id|user|last_user_message|hours_since",
	    "whatsapp_window's columns");
}

/*
 * Europe/Berlin: Saturday 24 is [23 22:00Z, 24 22:00Z) and Sunday 25,
 * when clocks go back, [24 22:00Z, 25 23:00Z): 25 hours.  c14 (Sat 00:30
 * CEST) comes in, c13 (Mon 00:30 CET) goes out, c09 (Sun 01:30 CEST)
 * moves to Sunday.
 */
static void
test_berlin(void)
{
	struct convo_query q;

	use_tz("Europe/Berlin");
	q = october(24, 26);

	/*
	 * Saturday, CEST (+2): c14 00:30 twice, c07 10:00, c01 11:00
	 * twice, c02 12:15 twice, c03 16:30 twice, c04 22:00.  Sunday:
	 * c09 01:30, c10 02:30 CEST and c11 02:30 CET (the hour that
	 * repeats), then CET (+1): c05 12:00, c06 21:00 twice, c12 23:30.
	 */
	is_str(bd("traffic", &q, 0), "Mon\nTue\nWed\nThu\nFri\n"
	    "Sat h00=2 h10=1 h11=2 h12=2 h16=2 h22=1\n"
	    "Sun h01=1 h02=2 h12=1 h21=2 h23=1", "traffic, Berlin");

	is_str(bd("clicks", &q, 0),
	    "link|Shipping info|https://example.com/shipping|2\n"
	    "quick_reply|Track order|track|2\n"
	    "button|Talk to a human|handover|1", "clicks, Berlin");
	/* shipping-flow gains c14; (none) loses c13. */
	is_str(bd("agents", &q, 0), "order-flow|5|1|1\nshipping-flow|3|1|1\n"
	    "(none)|3|0|0\ngreeting|2|1|0", "agents, Berlin");
	is_str(bd("sources", &q, 0), "web_widget|8|6\nwhatsapp|4|3",
	    "sources, Berlin");
	/* c14 has no opening question (clicks only). */
	is_str(bd("top_questions", &q, 0), "hallo|3\nwhere is my order|3\n"
	    "do you ship to austria|2\ndónde está mi pedido|1\nhello|1\n"
	    "price of shipping|1", "top_questions, Berlin");
	is_str(bd("whatsapp_window", &q, 0),
	    "c04|+4915100000001|2026-10-24 22:00|40.0\n"
	    "c05|+4915100000002|2026-10-25 12:00|25.0",
	    "whatsapp_window in local time");

	/*
	 * 24th: c14 c07 c01 c02 c03 c04 of u6 w1 u1 u2: 3 + 1 + 4 + 3 + 4
	 * + 2 messages.  25th: c09 c10 c11 c05 c06 c12 with c12 at 23:30
	 * CET, past 24 hours from midnight.  26th: c13.
	 */
	q = october(24, 27);
	is_str(bd("trend", &q, 0), "2026-10-24|6|4|17\n2026-10-25|6|6|13\n"
	    "2026-10-26|1|1|3", "trend, Berlin");

	/* The day clocks go back alone. */
	q = october(25, 26);
	is_str(bd("trend", &q, 0), "2026-10-25|6|6|13",
	    "trend on the 25-hour day");
	is_str(bd("traffic", &q, 0), "Mon\nTue\nWed\nThu\nFri\nSat\n"
	    "Sun h01=1 h02=2 h12=1 h21=2 h23=1", "traffic on the 25-hour day");
}

/*
 * Asia/Kathmandu is +5:45: the UTC instants of the 24th and 25th, each
 * message in its local hour.  Saturday: 08:00Z is 13:45, 09:00 and 09:01
 * are 14:45, 10:15 and 10:16 are 16:00, 14:30 and 14:31 are 20:15.
 * Sunday: 20:00Z (24th) 01:45, 23:30Z 05:15, 00:30Z 06:15, 01:30Z 07:15,
 * 11:00Z 16:45.  Monday: 20:00Z and 20:05Z (25th) 01:45, 22:30Z 04:15,
 * 23:30Z and 23:31Z 05:15.
 */
static void
test_quarter_hours(void)
{
	struct convo_query q = CONVO_QUERY_INIT;

	use_tz("Asia/Kathmandu");
	q.since = INT64_C(1792800000000);	/* 2026-10-24T00:00Z */
	q.until = INT64_C(1792972800000);	/* 2026-10-26T00:00Z */
	is_str(bd("traffic", &q, 0), "Mon h01=2 h04=1 h05=2\nTue\nWed\n"
	    "Thu\nFri\nSat h13=1 h14=2 h16=2 h20=2\n"
	    "Sun h01=1 h05=1 h06=1 h07=1 h16=1", "traffic at +5:45");
}

/* Zero-filled days, open ends, weeks and empty periods, in UTC. */
static void
test_periods(void)
{
	struct convo_query q;

	use_tz("UTC");
	q = october(22, 27);
	is_str(bd("trend", &q, 0), "2026-10-22|0|0|0\n2026-10-23|1|1|3\n"
	    "2026-10-24|6|4|16\n2026-10-25|6|6|14\n2026-10-26|0|0|0",
	    "every day of the period, zero-filled");

	/*
	 * All time: from c15's start (20 10:00Z) to c13's last message;
	 * the first day counts from there.
	 */
	q = (struct convo_query)CONVO_QUERY_INIT;
	q.now = NOW;
	is_str(bd("trend", &q, 0), "2026-10-20|1|1|2\n2026-10-21|0|0|0\n"
	    "2026-10-22|0|0|0\n2026-10-23|1|1|3\n2026-10-24|6|4|16\n"
	    "2026-10-25|6|6|14", "open ends narrow to the data");

	/*
	 * 122 days: ISO weeks 31 (from Saturday 1 August) to 49 (Monday 30
	 * November).  Week 43 (19-25 October) holds c15, c14 and the 12 of
	 * the 24th and 25th, of u1 u6 u2 w1 c09 w2 w3 u3 u4 u5; 2 + 3 + 16
	 * + 14 messages.
	 */
	q = days(8, 1, 12, 1);
	bd("trend", &q, 0);
	is_int(strncmp(got, "2026-W31|0|0|0\n2026-W32|0|0|0\n", 30), 0,
	    "weeks over a long period");
	ok(strstr(got, "\n2026-W42|0|0|0\n2026-W43|14|10|35\n"
	    "2026-W44|0|0|0\n") != NULL, "week 43");
	ok(strlen(got) > 15 && strcmp(got + strlen(got) - 15,
	    "\n2026-W49|0|0|0") == 0, "through week 49");
	is_int(count_lines(got), 19, "19 weeks");

	q = days(11, 1, 11, 3);
	is_str(bd("trend", &q, 0), "2026-11-01|0|0|0\n2026-11-02|0|0|0",
	    "an empty period: zeros");
	is_str(bd("traffic", &q, 0), "Mon\nTue\nWed\nThu\nFri\nSat\nSun",
	    "an empty period: an empty grid");
	is_str(bd("sources", &q, 0), "", "an empty period: no sources");
	is_str(bd("top_questions", &q, 0), "", "no questions");
	is_str(bd("status", &q, 0), "active|0|-\nended|0|-",
	    "no shares without conversations");
	q = october(26, 26);
	is_str(bd("trend", &q, 0), "", "a period of no time: no days");
}

/* Filters and top, in UTC over the 24th and 25th. */
static void
test_filters(void)
{
	struct convo_query q;

	use_tz("UTC");
	q = october(24, 26);
	is_str(bd("sources", &q, 2), "web_widget|7|5\nwhatsapp|4|3",
	    "top 2");
	is_str(bd("top_questions", &q, 2), "do you ship to austria|3\n"
	    "hallo|3", "top 2 questions");
	is_str(bd("status", &q, 1), "ended|7|0.5833", "top 1 status");
	is_str(bd("whatsapp_window", &q, 1),
	    "c04|+4915100000001|2026-10-24 20:00|40.0", "top 1 window");
	is_str(bd("traffic", &q, 1), "Mon\nTue\nWed\nThu\nFri\n"
	    "Sat h08=1 h09=2 h10=2 h14=2 h20=1 h23=1\n"
	    "Sun h00=1 h01=1 h11=1 h20=2 h22=1 h23=2",
	    "top does not cut the traffic grid");
	is_str(bd("trend", &q, 1), "2026-10-24|6|4|16\n2026-10-25|6|6|14",
	    "top does not cut the trend");

	q.include_test = 1;
	is_str(bd("sources", &q, 0), "web_widget|7|5\nwhatsapp|4|3\n"
	    "test_chat|1|1\nvoice|1|1", "include_test: test_chat counts");
	is_str(bd("top_not_understood", &q, 0), "where is my order|3\n"
	    "price of shipping|1", "include_test: c08's message counts");
	q.include_test = 0;

	q.source = "whatsapp";
	is_str(bd("sources", &q, 0), "whatsapp|4|3", "source filter");
	is_str(bd("traffic", &q, 0), "Mon\nTue\nWed\nThu\nFri\n"
	    "Sat h08=1 h20=1\nSun h11=1 h20=2", "source filter: traffic");
	is_str(bd("top_not_understood", &q, 0), "price of shipping|1",
	    "source filter: not understood");
	q.source = "web_widget";
	is_str(bd("whatsapp_window", &q, 0), "",
	    "another source: no WhatsApp window");
	q.source = NULL;

	q.status = "active";
	is_str(bd("status", &q, 0), "active|5|1.0000\nended|0|0.0000",
	    "status filter");
	q.status = NULL;

	/* u1: c01 and c03, four messages each. */
	q.user = "u1";
	is_str(bd("trend", &q, 0), "2026-10-24|2|1|8\n2026-10-25|0|0|0",
	    "user filter");
}

/* No statement reads a whole table where an index serves. */
static void
test_plans(void)
{
	const char *const *n = convo_breakdown_names();
	struct convo_query q;
	size_t i;

	use_tz("Europe/Berlin");
	q = october(24, 26);
	sqlite3_trace_v2(st->db, SQLITE_TRACE_PROFILE, on_profile, NULL);
	fullscan_steps = 0;
	for (i = 0; n[i] != NULL; i++)
		bd(n[i], &q, 0);
	q = (struct convo_query)CONVO_QUERY_INIT;
	bd("trend", &q, 0);
	sqlite3_trace_v2(st->db, 0, NULL, NULL);
	is_int(fullscan_steps, 0, "no full table scan steps");
}

static void
remove_db(void)
{
	char p[300];

	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

int
main(void)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct convo_import_result res;
	char err[512];
	FILE *fp;
	int rc;

	snprintf(dbpath, sizeof(dbpath), "tests/tmp/test_breakdown.%ld.db",
	    (long)getpid());
	remove_db();
	use_tz("UTC");
	rc = convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_WRITE,
	    1000);
	if (!ok(rc == 0, "open the store")) {
		printf("# %s\n", err);
		return done_testing();
	}
	fp = fopen("testdata/breakdown/conversations.json", "r");
	opt.now = NOW;
	rc = fp != NULL ? convo_import_file(&res, st, fp, "conversations.json",
	    &opt) : CONVO_ENOENT;
	if (fp != NULL)
		fclose(fp);
	is_int(rc, 0, "import the export");
	is_int(res.conversations_new, 15, "15 conversations");
	test_names();
	test_utc();
	test_berlin();
	test_quarter_hours();
	test_periods();
	test_filters();
	test_plans();
	convo_store_close(st);
	remove_db();
	return done_testing();
}
