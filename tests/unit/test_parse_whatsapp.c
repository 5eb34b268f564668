/*
 * test_parse_whatsapp.c: unit tests of the WhatsApp export parser and its
 * sniffer: records and diagnostics, exactly, for every line shape the
 * fixtures in testdata/whatsapp hold (times in UTC unless a case says),
 * the day/month order, media, roles, the cut at the session gap, and
 * detection against every other format's fixtures.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

#define DAY_MS INT64_C(86400000)

static const char *const assistants[] = { "Nordwind Shop", "Bot", "Botti",
	"Tienda" };
static const char *const agents[] = { "Jonas" };

static void
set_order(enum convo_date_order o)
{
	harness.opt.date_order = o;
}

/* Every record of the last run, one a line, for a whole-file check. */
static const char *
all_records(void)
{
	static char out[HARNESS_MAX * 256];
	int i;

	out[0] = '\0';
	for (i = 0; i < got.n_rec; i++) {
		strncat(out, got.rec[i], sizeof(out) - strlen(out) - 2);
		strncat(out, "\n", sizeof(out) - strlen(out) - 1);
	}
	return out;
}

#define AN "wa-4fc6d3bf4ce9d0e5/whatsapp"
#define AN2 "wa-4fc6d3bf4ce9d0e5@20261121T183000Z/whatsapp"
#define AN3 "wa-4fc6d3bf4ce9d0e5@20261123T080000Z/whatsapp"
static const char android_recs[] =
    "msg 1 " AN " @2026-11-20T09:58:00Z system 'Messages and calls are "
    "end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
    "can read or listen to them. Tap to learn more.'\n"
    "conv 2 " AN " @2026-11-20T10:00:00Z user=Anna Schmidt\n"
    "msg 2 " AN " @2026-11-20T10:00:00Z user 'Hi, my order 4471 has not "
    "arrived'\n"
    "conv 3 " AN " @2026-11-20T10:01:00Z assistant=Nordwind Shop\n"
    "msg 3 " AN " @2026-11-20T10:01:00Z assistant 'Sorry to hear that! "
    "Let me check.\nIt left our warehouse on Monday.'\n"
    "msg 5 " AN " @2026-11-20T10:01:00.001Z user media=unknown||\n"
    "msg 6 " AN " @2026-11-20T10:05:00Z assistant 'Here is the tracking "
    "label' media=image|IMG-20261120-WA0003.jpg|\n"
    "msg 8 " AN2 " @2026-11-21T18:30:00Z system 'Your security code with "
    "Anna Schmidt changed. Tap to learn more.'\n"
    "conv 9 " AN2 " @2026-11-21T18:31:00Z user=Anna Schmidt\n"
    "msg 9 " AN2 " @2026-11-21T18:31:00Z user 'it came, thanks!'\n";

static void
test_android(void)
{
	int rc = run_file("good-android.txt", 0);

	is_int(rc, 0, "android: status");
	is_int(got.n_diag, 0, "android: no diagnostics");
	is_str(all_records(), android_recs, "android: every record: system "
	    "lines, multi-line text, <Media omitted>, (file attached) with a "
	    "caption, the same minute 1 ms apart, cut after 32 h");

	rc = run_file("good-android-later.txt", 0);
	is_int(rc, 0, "android later: status");
	ok(strncmp(all_records(), android_recs, strlen(android_recs)) == 0,
	    "android later: the longer export begins with the same records");
	is_str(got.rec[13], "conv 12 " AN3 " @2026-11-23T08:00:00Z "
	    "user=Anna Schmidt", "android later: a third piece after 37 h");
	is_int(got.n_rec, 15, "android later: records");
}

#define IO "wa-cd9a03203f43d8a0/whatsapp"
static void
test_ios(void)
{
	int rc = run_file("good-ios.txt", 0);

	is_int(rc, 0, "ios: status");
	is_int(got.n_diag, 0, "ios: no diagnostics");
	is_str(all_records(),
	    "msg 1 " IO " @2026-11-20T09:58:01Z system 'Messages and calls are "
	    "end-to-end encrypted. No one outside of this chat, not even "
	    "WhatsApp, can read or listen to them.'\n"
	    "conv 2 " IO " @2026-11-20T10:00:12Z user=+49 170 1234567\n"
	    "msg 2 " IO " @2026-11-20T10:00:12Z user 'Hi there'\n"
	    "conv 3 " IO " @2026-11-20T10:00:15Z assistant=Nordwind Shop\n"
	    "msg 3 " IO " @2026-11-20T10:00:15Z assistant 'Hello! How can I "
	    "help?'\n"
	    "msg 4 " IO " @2026-11-20T10:01:02Z user "
	    "media=image|00000042-PHOTO-2026-11-20-10-01-02.jpg|\n"
	    "msg 5 " IO " @2026-11-20T10:01:02.001Z user media=image||\n"
	    "msg 6 " IO " @2026-11-20T12:15:40Z assistant 'Your parcel is in "
	    "the locker.\nCode: 4711'\n"
	    "msg 8 " IO " @2026-11-20T12:16:00Z system 'This message was "
	    "deleted.'\n",
	    "ios: CRLF, U+202F before AM, month first (11/20), marks and "
	    "embeddings stripped, U+200E notices are system lines");
}

static void
test_locales(void)
{
	int rc;

	rc = run_file("good-finnish.txt", 0);
	is_int(rc, 0, "finnish: status");
	is_str(got.rec[0], "conv 1 wa-891912f47f530f9a/whatsapp "
	    "@2026-11-20T10:30:00Z user=Anna", "finnish: klo, dotted time");
	is_str(got.rec[4], "msg 3 wa-891912f47f530f9a/whatsapp "
	    "@2026-11-20T10:31:00.001Z user 'ok'", "finnish: first ok");
	is_str(got.rec[5], "msg 4 wa-891912f47f530f9a/whatsapp "
	    "@2026-11-20T10:31:00.002Z user 'ok'",
	    "finnish: the same text in the same minute stays two messages");

	rc = run_file("good-year-first.txt", 0);
	is_int(rc, 0, "year first: status");
	is_int(got.n_rec, 4, "year first: records");
	is_str(got.rec[3], "msg 2 wa-53c584d8a6987eae/whatsapp "
	    "@2026-11-20T21:25:16Z assistant 'Hello\n2026/11/20 21:26:00 is "
	    "when I wrote this'", "year first: a line of another shape is "
	    "text");

	rc = run_file("good-colon.txt", 0);
	is_int(rc, 0, "colon: status");
	is_str(all_records(),
	    "conv 1 wa-d457207633924a1d/whatsapp @2026-11-20T21:25:15Z "
	    "user=Anna\n"
	    "msg 1 wa-d457207633924a1d/whatsapp @2026-11-20T21:25:15Z user "
	    "'Hallo'\n"
	    "conv 2 wa-d457207633924a1d/whatsapp @2026-11-20T21:25:20Z "
	    "assistant=Bot\n"
	    "msg 2 wa-d457207633924a1d/whatsapp @2026-11-20T21:25:20Z "
	    "assistant media=unknown||\n"
	    "msg 3 wa-d457207633924a1d/whatsapp @2026-11-20T21:26:00Z "
	    "assistant media=image|IMG-20261120-WA0007.jpg|\n"
	    "msg 4 wa-d457207633924a1d/whatsapp @2026-11-20T21:27:00Z "
	    "system 'Anna hat die Gruppe verlassen'\n",
	    "colon: German markers, a colon after the time");

	rc = run_file("good-spanish.txt", 0);
	is_int(rc, 0, "spanish: status");
	is_str(all_records(),
	    "conv 1 wa-7989d58a1106ec52/whatsapp @2026-11-20T10:30:00Z "
	    "user=Ana\n"
	    "msg 1 wa-7989d58a1106ec52/whatsapp @2026-11-20T10:30:00Z user "
	    "'Hola'\n"
	    "msg 2 wa-7989d58a1106ec52/whatsapp @2026-11-20T12:05:00Z user "
	    "media=unknown||\n"
	    "conv 3 wa-7989d58a1106ec52/whatsapp @2026-11-20T12:07:00Z "
	    "assistant=Tienda\n"
	    "msg 3 wa-7989d58a1106ec52/whatsapp @2026-11-20T12:07:00Z "
	    "assistant 'gracias'\n",
	    "spanish: a. m. with U+00A0, p. m., p.m., <Multimedia omitido>");
}

/* The time of the last message of input, or the first diagnostic. */
static const char *
one_time(const char *input)
{
	static char out[HARNESS_LINE];
	const char *at;

	run(input, 0);
	if (got.n_diag > 0)
		return got.diag[0];
	if (got.n_rec == 0 || (at = strstr(got.rec[got.n_rec - 1], " @")) ==
	    NULL)
		return "(none)";
	snprintf(out, sizeof(out), "%s", at + 2);
	out[strcspn(out, " ")] = '\0';
	return out;
}

/* The media of the last record of the last run, "type|name|", or "-". */
static const char *
last_media(const char *input)
{
	static char out[HARNESS_LINE];
	const char *at;

	run(input, 0);
	if (got.n_diag > 0)
		return got.diag[0];
	if (got.n_rec == 0 || (at = strstr(got.rec[got.n_rec - 1],
	    " media=")) == NULL)
		return "-";
	snprintf(out, sizeof(out), "%s", at + 7);
	return out;
}

/* Media markers of every language convo-formats(5) names. */
static void
test_media_languages(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "<Media omitted>", "unknown||" },
		{ "<Medien ausgeschlossen>", "unknown||" },
		{ "<Multimedia omitido>", "unknown||" },
		{ "<M\xc3\xa9" "dias omis>", "unknown||" },
		{ "<M\xc3\xad" "dia oculta>", "unknown||" },
		{ "<Media omessi>", "unknown||" },
		{ "<Media weggelaten>", "unknown||" },
		{ "IMG-20261120-WA0001.jpg (file attached)",
		    "image|IMG-20261120-WA0001.jpg|" },
		{ "PTT-20261120-WA0002.opus (Datei angeh\xc3\xa4ngt)",
		    "audio|PTT-20261120-WA0002.opus|" },
		{ "STK-20261120-WA0003.webp (archivo adjunto)",
		    "sticker|STK-20261120-WA0003.webp|" },
		{ "IMG-20261120-WA0004.jpg (fichier joint)",
		    "image|IMG-20261120-WA0004.jpg|" },
		{ "VID-20261120-WA0005.mp4 (arquivo anexado)",
		    "video|VID-20261120-WA0005.mp4|" },
		{ "DOC-20261120-WA0006.pdf (file allegato)",
		    "document|DOC-20261120-WA0006.pdf|" },
		{ "Offerte.pdf (bestand bijgevoegd)", "document|Offerte.pdf|" },
		{ "\xe2\x80\x8e<attached: 00000007-AUDIO-2026-11-20.opus>",
		    "audio|00000007-AUDIO-2026-11-20.opus|" },
		{ "\xe2\x80\x8evideo omitted", "video||" },
		{ "\xe2\x80\x8e" "Bild weggelassen", "image||" },
		{ "\xe2\x80\x8eimagen omitida", "image||" },
		{ "\xe2\x80\x8e\xc3\xa1udio ocultado", "audio||" },
		{ "the <Media omitted> part", "-" }
	};
	char line[256], name[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "20/11/2026, 10:00 - Ana: %s\n",
		    cases[i].text);
		snprintf(name, sizeof(name), "media: %s", cases[i].text);
		is_str(last_media(line), cases[i].want, name);
	}
}

static void
test_clocks(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "20/11/2026, 12:05 AM - A: x\n", "2026-11-20T00:05:00Z" },
		{ "20/11/2026, 12:05 PM - A: x\n", "2026-11-20T12:05:00Z" },
		{ "20/11/2026, 1:05 pm - A: x\n", "2026-11-20T13:05:00Z" },
		{ "20/11/2026, 1:05\xe2\x80\xafp.m. - A: x\n",
		    "2026-11-20T13:05:00Z" },
		{ "20/11/26, 11:59\xc2\xa0" "a. m. - A: x\n",
		    "2026-11-20T11:59:00Z" },
		{ "[20/11/2026, 23:59:59] A: x\n", "2026-11-20T23:59:59Z" },
		{ "\xe2\x80\x8e[20.11.26 23:59:59] A: x\n",
		    "2026-11-20T23:59:59Z" },
		{ "20-11-2026 10:30 - A: x\n", "2026-11-20T10:30:00Z" },
		{ "2026-11-20 10:30 - A: x\n", "2026-11-20T10:30:00Z" },
		{ "13. 6. 2018. 21:25:15 A: x\n", "2018-06-13T21:25:15Z" },
		{ "[3/6/18 1:55:00 p. m.] A: x\n", "1:2: cannot tell the day "
		    "from the month in '3/6/18': no date in the file has a field "
		    "above 12; give --date-order dmy or mdy" },
		{ "[29/02/2028, 10:00:00] A: x\n", "2028-02-29T10:00:00Z" },
		{ "[29/02/2027, 10:00:00] A: x\n",
		    "1:2: bad date '29/02/2027'" },
		{ "20/11/2026, 13:05 PM - A: x\n", "1:13: bad time '13:05'" },
		{ "20/11/2026, 0:05 am - A: x\n", "1:13: bad time '0:05'" },
		{ "[20/11/2026, 10:60:00] A: x\n",
		    "1:14: bad time '10:60:00'" },
		{ "20/11/1999, 10:00 - A: x\n",
		    "1:1: time out of range (2000 to 2100)" },
		{ "20/11/202, 10:00 - A: x\n", "1:1: bad date '20/11/202'" }
	};
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "clock: %.*s",
		    (int)strcspn(cases[i].line, "\n"), cases[i].line);
		is_str(one_time(cases[i].line), cases[i].want, name);
	}
}

static void
test_order(void)
{
	static const char amb[] = "03/04/26, 10:30 - Anna: Hi\n"
	    "03/04/26, 10:31 - Bot: Hello\n";
	int rc;

	rc = run_file("bad-ambiguous.txt", 1);
	is_int(rc, CONVO_EDATA, "ambiguous: refused, even with --skip-bad");
	is_int(got.n_rec, 0, "ambiguous: nothing handed on");
	is_str(got.diag[0], "1:1: cannot tell the day from the month in "
	    "'03/04/26': no date in the file has a field above 12; give "
	    "--date-order dmy or mdy", "ambiguous: the diagnostic");

	set_order(CONVO_DATE_ORDER_DMY);
	is_str(one_time(amb), "2026-04-03T10:31:00Z", "--date-order dmy");
	set_order(CONVO_DATE_ORDER_MDY);
	is_str(one_time(amb), "2026-03-04T10:31:00Z", "--date-order mdy");
	set_order(CONVO_DATE_ORDER_YMD);
	is_str(one_time(amb), "2003-04-26T10:31:00Z", "--date-order ymd");
	is_str(one_time("2026/04/03 10:31 - A: x\n"), "2026-04-03T10:31:00Z",
	    "--date-order ymd: four digits first");
	set_order(CONVO_DATE_ORDER_MDY);
	is_str(one_time("2026/04/03 10:31 - A: x\n"), "2026-04-03T10:31:00Z",
	    "--date-order mdy: four digits first are a year all the same");
	is_str(one_time("20/11/2026, 10:31 - A: x\n"),
	    "1:1: bad date '20/11/2026'", "--date-order mdy: no hint");
	set_order(CONVO_DATE_ORDER_AUTO);

	is_str(one_time("01/01/26, 10:30 - A: Happy new year\n"
	    "02/02/26, 10:30 - A: x\n"), "2026-02-02T10:30:00Z",
	    "undecided, but every date reads the same either way");
	rc = run("03/04/26, 10:30 - Anna: Hi\n"
	    "more text\n"
	    "13/04/26, 10:31 - Bot: Hello\n", 0);
	is_int(rc, 0, "decided later: status");
	is_str(got.rec[1], "msg 1 wa-d96b395c63719aae/whatsapp "
	    "@2026-04-03T10:30:00Z user 'Hi\nmore text'",
	    "decided later: the held message is day first");
	is_int(got.n_rec, 4, "decided later: records");

	rc = run_file("bad-date.txt", 0);
	is_int(rc, CONVO_EDATA, "bad date: status");
	is_str(got.diag[0], "2:1: bad date '11/21/2026' (an earlier date of "
	    "the file is day first)", "bad date: the diagnostic");
	rc = run_file("bad-date.txt", 1);
	is_int(rc, CONVO_EDATA, "bad date, skip: status");
	is_int(got.n_rec, 4, "bad date, skip: the others are handed on");
	is_str(got.rec[3], "msg 3 wa-5d98c8dfd7efb9ab@20261122T090000Z/whatsapp "
	    "@2026-11-22T09:00:00Z user 'still there?'", "bad date, skip: last");
}

static void
test_roles(void)
{
	int rc = run("[20/11/2026, 10:00:00] ~\xc2\xa0Max: hi\n"
	    "[20/11/2026, 10:00:05] bot: hello\n"
	    "[20/11/2026, 10:01:00] Jonas: a human here\n"
	    "[20/11/2026, 10:02:00] Max Mustermann: me too\n"
	    "[20/11/2026, 10:03:00] Anna added Max\n"
	    "[20/11/2026, 10:04:00] Anna: \xe2\x80\x8e" "Anna changed the "
	    "group description\n", 0);

	is_int(rc, 0, "roles: status");
	is_str(all_records(),
	    "conv 1 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:00:00Z "
	    "user=Max\n"
	    "msg 1 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:00:00Z user "
	    "'hi'\n"
	    "conv 2 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:00:05Z "
	    "assistant=bot\n"
	    "msg 2 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:00:05Z "
	    "assistant 'hello'\n"
	    "msg 3 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:01:00Z agent "
	    "'a human here'\n"
	    "msg 4 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:02:00Z user "
	    "'me too'\n"
	    "msg 5 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:03:00Z system "
	    "'Anna added Max'\n"
	    "msg 6 wa-818c10c307ab8a3b/whatsapp @2026-11-20T10:04:00Z system "
	    "'Anna changed the group description'\n",
	    "roles: --assistant (any case), --agent, other authors users, "
	    "\"~ \" dropped, lines without an author and U+200E notices system");
}

static void
test_gap(void)
{
	static const char thread[] = "20/11/2026, 10:00 - A: one\n"
	    "20/11/2026, 10:40 - A: two\n"
	    "21/11/2026, 10:41 - A: three\n";
	int rc;

	harness.session_gap_ms = 0;
	rc = run(thread, 0);
	is_int(rc, 0, "gap 0: status");
	is_str(got.rec[3], "msg 3 wa-393236052b9296aa/whatsapp "
	    "@2026-11-21T10:41:00Z user 'three'", "gap 0: never cuts");
	harness.session_gap_ms = 30 * 60000;
	rc = run(thread, 0);
	is_str(got.rec[2], "conv 2 wa-393236052b9296aa@20261120T104000Z/"
	    "whatsapp @2026-11-20T10:40:00Z user=A", "gap 30 min: cut at 40");
	is_str(got.rec[4], "conv 3 wa-393236052b9296aa@20261121T104100Z/"
	    "whatsapp @2026-11-21T10:41:00Z user=A", "gap 30 min: and a day");
	harness.session_gap_ms = DAY_MS;
	rc = run(thread, 0);
	is_int(got.n_rec, 5, "gap 24 h: 24 h and 1 min later is a new piece");
	is_str(got.rec[3], "conv 3 wa-393236052b9296aa@20261121T104100Z/"
	    "whatsapp @2026-11-21T10:41:00Z user=A", "gap 24 h: the piece");

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	rc = run(thread, 0);
	is_str(got.rec[3], "conv 3 wa-393236052b9296aa@20261121T094100Z/"
	    "whatsapp @2026-11-21T09:41:00Z user=A",
	    "TZ=Europe/Berlin: local times, the piece named in UTC");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_redact(void)
{
	static const char one[] = "20/11/2026, 10:00 - A: my secret\n";
	static const char sys[] = "20/11/2026, 10:00 - A joined\n";
	char plain[HARNESS_LINE];

	run(one, 0);
	snprintf(plain, sizeof(plain), "%s", got.rec[1]);
	harness.opt.redact = 1;
	run(one, 0);
	is_str(got.rec[1], "msg 1 wa-ecb28b6d542a8692/whatsapp "
	    "@2026-11-20T10:00:00Z user 'my secret'",
	    "redact: the id does not hash a user's words");
	ok(strcmp(plain, got.rec[1]) != 0, "redact: another id than without");
	run(sys, 0);
	snprintf(plain, sizeof(plain), "%s", got.rec[0]);
	harness.opt.redact = 0;
	run(sys, 0);
	is_str(got.rec[0], plain, "redact: a system line's text is hashed");
}

static void
test_errors(void)
{
	int rc;

	rc = run_file("bad-time.txt", 0);
	is_int(rc, CONVO_EDATA, "bad time: status");
	is_int(got.n_rec, 2, "bad time: what came before");
	is_str(got.diag[0], "2:13: bad time '25:10'", "bad time: diagnostic");
	rc = run_file("bad-time.txt", 1);
	is_int(rc, CONVO_EDATA, "bad time, skip: status");
	is_int(got.n_rec, 3, "bad time, skip: its second line goes with it");
	is_str(got.rec[2], "msg 4 wa-5d98c8dfd7efb9ab/whatsapp "
	    "@2026-11-20T10:40:00Z user 'still there?'", "bad time, skip");

	one_error("\n  \nHello world\n20/11/2026, 10:00 - A: x\n", 0,
	    CONVO_EDATA, "3:1: expected a message line such as '20/11/2026, "
	    "10:30 - Name: text'", "text before the first message");
	rc = run("20/11/2026, 10:00 - A: x\n\xff\n20/11/2026, 10:01 - A: y\n",
	    1);
	is_int(rc, CONVO_EDATA, "bad UTF-8: status");
	is_int(got.n_rec, 2, "bad UTF-8, skip: drops the message it is in");
	is_str(got.diag[0], "2:1: invalid UTF-8", "bad UTF-8: diagnostic");
	is_str(got.rec[1], "msg 3 wa-d38fa94c1c757444/whatsapp "
	    "@2026-11-20T10:01:00Z user 'y'", "bad UTF-8, skip: the next one");

	harness.sink_fails_after = 0;
	rc = run_file("good-android.txt", 0);
	is_int(rc, CONVO_EIO, "a sink error ends the parse");
	is_int(got.n_sink_calls, 1, "a sink error: no record after it");
	harness.sink_fails_after = 2;
	rc = run_file("bad-ambiguous.txt", 0);
	set_order(CONVO_DATE_ORDER_DMY);
	rc = run_file("bad-ambiguous.txt", 0);
	is_int(rc, CONVO_EIO, "a sink error while the queue drains");
	set_order(CONVO_DATE_ORDER_AUTO);
	harness.sink_fails_after = -1;
}

static int
sniff_str(const char *s)
{
	return parse_whatsapp_sniff(s, strlen(s));
}

static void
test_sniff(void)
{
	ok(harness_sniff_walk(parse_whatsapp_sniff, "whatsapp") > 0,
	    "whatsapp's sniffer: testdata/whatsapp has files");
	ok(harness_sniff_dir("testdata/whatsapp", parse_text_sniff, 0,
	    "not a transcript") > 0, "transcripts' sniffer");
	ok(harness_sniff_dir("testdata/whatsapp", parse_csv_sniff, 0,
	    "not csv") > 0, "csv's sniffer");

	is_int(sniff_str("[2026-11-20 10:30:15] User: Hi\n"),
	    0, "sniff: a transcript's dated line alone is not WhatsApp");
	is_int(sniff_str("[2026-11-20 10:30:15] X: \xe2\x80\x8eHi"), 1,
	    "sniff: it is beside iOS's mark");
	is_int(sniff_str("1.2.345 10:30 release notes\n"), 0,
	    "sniff: a three-digit year");
	is_int(sniff_str("13/13/26, 10:30 - A: x\n"), 0,
	    "sniff: neither field a month");
	is_int(sniff_str("20/11/26, 24:30 - A: x\n"), 0,
	    "sniff: hour 24");
	is_int(sniff_str("Hello\n20/11/26, 10:30 - A: x\n"), 0,
	    "sniff: only the first line");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	harness.parse = parse_whatsapp;
	harness.testdata = "testdata/whatsapp";
	harness.session_gap_ms = DAY_MS;	/* as convo-import does */
	harness.opt.assistants = assistants;
	harness.opt.n_assistants = sizeof(assistants) / sizeof(assistants[0]);
	harness.opt.agents = agents;
	harness.opt.n_agents = 1;
	test_android();
	test_ios();
	test_locales();
	test_clocks();
	test_media_languages();
	test_order();
	test_roles();
	test_gap();
	test_redact();
	test_errors();
	test_sniff();
	return done_testing();
}
