/*
 * parse_text.c: plain-text transcripts, "[10:30:15] User: text" lines as
 * many platforms show them, with PCRE2 patterns, and their sniffer.
 *
 * A file is a header block (Date:, Conversation:, User:, ...), then the
 * messages; a line that is not a message line continues the message
 * above.  A "Conversation:" or "Date:" line after messages starts the
 * next conversation with its own header block, so one file can hold
 * several; Source: and Assistant: and the date carry over to it.
 *
 * A transcript may also be one long thread (an SMS log, a support chat
 * over days).  Where two consecutive messages are more than
 * p->session_gap_ms apart it is cut: the first piece keeps the id, each
 * later one is "<id>@<its first message's UTC time, YYYYMMDDTHHMMSSZ>".
 * Ids that depend only on the thread and the piece let a longer export
 * of the same thread, imported again, extend the last conversation
 * instead of repeating the earlier ones.  The headers carry over.
 *
 * Times are local wall-clock times on the date of the header, --date or
 * the file's name, in that order; a time more than 12 hours before the
 * previous message's is on the next day.  Only one message is held at a
 * time: it is handed on when the next message line (or the end) shows it
 * is complete, so memory stays flat.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"

/*
 * "[HH:MM]", "[HH:MM:SS]", "[HH:MM:SS.mmm]", "[HH:MM:SS PM]" or
 * "[YYYY-MM-DD HH:MM:SS]", then "Name:" and the text.
 */
static const char msg_pattern[] =
    "^\\[\\s*(?:(\\d{4})-(\\d{2})-(\\d{2})[ T])?"
    "(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,3}))?)?"
    "(?:\\s*([AaPp])\\.?[Mm]\\.?)?\\s*\\]"
    "\\s*([^\\s:\\[\\]][^:\\[\\]]{0,63}?)\\s*:[ \\t]*(.*)\\z";
enum {
	G_YEAR = 1, G_MONTH, G_DAY, G_HOUR, G_MIN, G_SEC, G_FRAC, G_AMPM,
	G_NAME, G_TEXT, N_GROUPS
};

static const char head_pattern[] =
    "^\\s*(date|conversation(?:[ _-]?id)?|id|user|source|channel|"
    "assistant)\\s*:\\s*(.*?)\\s*\\z";
static const char date_pattern[] =
    "(?<!\\d)(\\d{4})-(\\d{2})-(\\d{2})(?!\\d)";

#define HOUR_MS INT64_C(3600000)

/* Speaker names with a role; any other name is a human agent. */
static const struct speaker {
	const char *name;
	enum convo_role role;
} speakers[] = {
	{ "user", CONVO_ROLE_USER }, { "visitor", CONVO_ROLE_USER },
	{ "customer", CONVO_ROLE_USER }, { "you", CONVO_ROLE_USER },
	{ "ai", CONVO_ROLE_ASSISTANT }, { "bot", CONVO_ROLE_ASSISTANT },
	{ "assistant", CONVO_ROLE_ASSISTANT },
	{ "chatbot", CONVO_ROLE_ASSISTANT },
	{ "system", CONVO_ROLE_SYSTEM },
	{ "agent", CONVO_ROLE_AGENT }, { "operator", CONVO_ROLE_AGENT }
};

struct text {
	struct parser *p;
	pcre2_code *re_msg, *re_head, *re_date;
	pcre2_match_data *md;
	const PCRE2_SIZE *ov;	/* offsets of the last match */
	const char *line;	/* the line being read */

	/* The conversation. */
	char *id;		/* from the header, or made up */
	char *piece_id;		/* id@start of a later piece, else NULL */
	int64_t piece_start;	/* first message of a later piece, or
				   CONVO_TIME_NONE in the first */
	int64_t last_ts;	/* its previous message, or CONVO_TIME_NONE */
	char *user;
	char *source;
	char *assistant;
	int n_conv;		/* conversations begun in this file */
	int in_header;		/* no message line yet */
	long head_line;		/* first header line, 0 if none */
	int emitted;		/* its CONV record went out */
	int year, month, day;	/* the current date; year 0: none yet */
	int64_t prev_ts;	/* the previous message's time */

	/* The message being read. */
	int pending;		/* 0 none, 1 good, -1 bad: dropped */
	long msg_line;
	int64_t msg_ts;
	enum convo_role role;
	struct buf text;
	int fatal;		/* an error no --skip-bad can pass */
};

static pcre2_code *
compile(const char *pattern, uint32_t flags)
{
	PCRE2_SIZE off;
	int err;

	return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    flags | PCRE2_DOTALL, &err, &off, NULL);
}

/* Matches re against s; the groups are then in t->ov. */
static int
match(struct text *t, pcre2_code *re, const char *s, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, t->md, NULL) > 0;
}

static int
is_set(const struct text *t, int g)
{
	return t->ov[2 * g] != PCRE2_UNSET;
}

/* The number in group g (at most 4 digits), or 0 when it is unset. */
static int
num(const struct text *t, const char *s, int g)
{
	PCRE2_SIZE i;
	int n = 0;

	if (!is_set(t, g))
		return 0;
	for (i = t->ov[2 * g]; i < t->ov[2 * g + 1]; i++)
		n = n * 10 + (s[i] - '0');
	return n;
}

static int
group_len(const struct text *t, int g)
{
	return (int)(t->ov[2 * g + 1] - t->ov[2 * g]);
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Takes the date in groups 1-3 of the last match if it is a real one. */
static int
set_date(struct text *t, const char *s, int g)
{
	int y = num(t, s, g), m = num(t, s, g + 1), d = num(t, s, g + 2);

	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	t->year = y;
	t->month = m;
	t->day = d;
	return 0;
}

static void
next_day(struct text *t)
{
	if (++t->day <= days_in_month(t->year, t->month))
		return;
	t->day = 1;
	if (++t->month <= 12)
		return;
	t->month = 1;
	t->year++;
}

/* The file's name without directories, or NULL for standard input. */
static const char *
base_name(const struct parser *p)
{
	const char *slash;

	if (p->path_hint == NULL || strcmp(p->path_hint, "-") == 0)
		return NULL;
	slash = strrchr(p->path_hint, '/');
	slash = slash ? slash + 1 : p->path_hint;
	return *slash != '\0' ? slash : NULL;
}

/* No date so far: --date, else a date in the file's name. */
static int
default_date(struct text *t)
{
	const char *base = base_name(t->p);
	struct tm tm;
	time_t secs;

	if (t->p->date != CONVO_TIME_NONE) {
		secs = (time_t)(t->p->date / 1000);
		if (localtime_r(&secs, &tm) == NULL)
			return -1;
		t->year = tm.tm_year + 1900;
		t->month = tm.tm_mon + 1;
		t->day = tm.tm_mday;
		return 0;
	}
	if (base == NULL || !match(t, t->re_date, base, strlen(base)))
		return -1;
	return set_date(t, base, 1);
}

/*
 * Handing on records.
 */

/* The conversation id when no header gave one. */
static int
make_id(struct text *t)
{
	const char *base = base_name(t->p), *dot;
	unsigned char be[8];
	struct buf b;
	uint64_t h;
	int i, rc;

	buf_init(&b, CONVO_MAX_RECORD);
	if (base != NULL) {
		dot = strrchr(base, '.');
		rc = buf_add(&b, base, dot && dot != base ?
		    (size_t)(dot - base) : strlen(base));
		if (rc == 0 && t->n_conv > 1)
			rc = buf_printf(&b, "-%d", t->n_conv);
	} else {
		for (i = 0; i < 8; i++)
			be[i] = (unsigned char)((uint64_t)t->msg_ts >>
			    (56 - 8 * i));
		h = hash64(HASH64_INIT, be, sizeof(be));
		h = hash64(h, t->text.data, t->text.len);
		rc = buf_printf(&b, "text-%016" PRIx64, h);
	}
	if (rc == 0 && (t->id = buf_detach(&b)) == NULL)
		rc = CONVO_ENOMEM;
	buf_release(&b);
	return rc;
}

/* The id of a later piece of a thread: "support@20261121T093000Z". */
static int
make_piece_id(struct text *t)
{
	return thread_piece_id(&t->piece_id, t->id, t->piece_start);
}

/* The id the records of the current piece go under. */
static const char *
conv_id(const struct text *t)
{
	return t->piece_id != NULL ? t->piece_id : t->id;
}

/* The conversation's record, before its first message. */
static int
emit_conv(struct text *t)
{
	struct convo_rec rec;
	int rc;

	if (t->id == NULL && (rc = make_id(t)) != 0)
		return rc;
	if (t->piece_start != CONVO_TIME_NONE && t->piece_id == NULL &&
	    (rc = make_piece_id(t)) != 0)
		return rc;
	rec_init(&rec, CONVO_REC_CONV);
	rec.line = t->msg_line;
	rec.conv_id = conv_id(t);
	rec.source = t->source;
	rec.ts = t->msg_ts;
	rec.conv.user = t->user;
	rec.conv.assistant = t->assistant;
	t->emitted = 1;
	return parse_emit(t->p, &rec);
}

/* Hands on the message being read, unless it was bad. */
static int
finish_message(struct text *t)
{
	struct convo_rec rec;
	struct buf *b = &t->text;
	int rc, good = t->pending == 1;

	t->pending = 0;
	if (!good)
		return 0;
	/* Trailing blank lines belong to the gap, not the message. */
	while (b->len > 0 && strchr(" \t\n", b->data[b->len - 1]) != NULL)
		b->data[--b->len] = '\0';
	if (!t->emitted && (rc = emit_conv(t)) != 0)
		return rc;
	rec_init(&rec, CONVO_REC_MSG);
	rec.line = t->msg_line;
	rec.conv_id = conv_id(t);
	rec.source = t->source;
	rec.ts = rec.msg.ts = t->msg_ts;
	rec.msg.role = t->role;
	rec.msg.text = b->len > 0 ? b->data : NULL;
	rec.msg.text_len = b->len;
	return parse_emit(t->p, &rec);
}

/*
 * Message lines.
 */

static enum convo_role
speaker_role(const struct text *t, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(speakers) / sizeof(speakers[0]); i++)
		if (strcasecmp(name, speakers[i].name) == 0)
			return speakers[i].role;
	/* The header may name the visitor or the bot. */
	if (t->user != NULL && strcasecmp(name, t->user) == 0)
		return CONVO_ROLE_USER;
	if (t->assistant != NULL && strcasecmp(name, t->assistant) == 0)
		return CONVO_ROLE_ASSISTANT;
	return CONVO_ROLE_AGENT;
}

/* Reads the clock of a message line into hour, minute, second, ms. */
static int
take_clock(struct text *t, int *h, int *mi, int *s, int *ms)
{
	const char *l = t->line;
	int frac = num(t, l, G_FRAC), i;

	*h = num(t, l, G_HOUR);
	*mi = num(t, l, G_MIN);
	*s = num(t, l, G_SEC);
	for (*ms = frac, i = group_len(t, G_FRAC); is_set(t, G_FRAC) && i < 3;
	    i++)
		*ms *= 10;
	if (is_set(t, G_AMPM)) {
		if (*h < 1 || *h > 12)
			return -1;
		*h = *h % 12 + (strchr("Pp", l[t->ov[2 * G_AMPM]]) ? 12 : 0);
	}
	return *h > 23 || *mi > 59 || *s > 59 ? -1 : 0;
}

/* The time of a message line, on the current date or the line's own. */
static int
take_time(struct text *t, long lineno)
{
	const char *l = t->line;
	int h, mi, s, ms;

	if (take_clock(t, &h, &mi, &s, &ms) != 0)
		return parse_error(t->p, lineno, (long)t->ov[2 * G_HOUR] + 1,
		    "bad time '%.*s'", (int)(strchr(l, ']') - l) -
		    (int)t->ov[2 * G_HOUR], l + t->ov[2 * G_HOUR]);
	if (is_set(t, G_YEAR) && set_date(t, l, G_YEAR) != 0)
		return parse_error(t->p, lineno, (long)t->ov[2 * G_YEAR] + 1,
		    "bad date '%.10s'", l + t->ov[2 * G_YEAR]);
	if (t->year == 0 && default_date(t) != 0) {
		t->fatal = 1;
		return parse_error(t->p, 1, 0,
		    "no date: add a 'Date:' line or give --date");
	}
	t->msg_ts = convo_time_local(t->year, t->month, t->day, h, mi, s, ms);
	if (!is_set(t, G_YEAR) && t->prev_ts != CONVO_TIME_NONE &&
	    t->msg_ts < t->prev_ts - 12 * HOUR_MS) {
		next_day(t);
		t->msg_ts = convo_time_local(t->year, t->month, t->day, h, mi,
		    s, ms);
	}
	if (t->msg_ts < CONVO_TIME_MIN || t->msg_ts >= CONVO_TIME_MAX)
		return parse_error(t->p, lineno, 2,
		    "time out of range (2000 to 2100)");
	t->prev_ts = t->msg_ts;
	return 0;
}

/*
 * Whether the message just timed begins a new piece of the thread: it
 * comes more than the session gap after the one before in the same
 * conversation.  A gap of 0 or less never cuts.
 */
static int
is_cut(const struct text *t)
{
	return thread_cuts(t->p, t->last_ts, t->msg_ts);
}

/*
 * Starts the next piece of the thread at the current message.  Its id is
 * made when its first record goes out, as the thread's own may not be
 * known yet (made up from the first message that is handed on).
 */
static void
cut_thread(struct text *t)
{
	free(t->piece_id);
	t->piece_id = NULL;
	t->piece_start = t->msg_ts;
	t->emitted = 0;
}

/*
 * A message line: the one before is complete, this one begins, even
 * when the one before was bad (it is reported; --skip-bad goes on).
 */
static int
begin_message(struct text *t)
{
	long lineno = reader_lineno(t->p->rd);
	const char *l = t->line;
	char name[65];
	int rc, bad;

	if ((bad = finish_message(t)) != 0 && bad != CONVO_EDATA)
		return bad;
	t->in_header = 0;
	t->pending = -1;
	t->msg_line = lineno;
	if ((rc = take_time(t, lineno)) != 0)
		return rc;
	if (is_cut(t))
		cut_thread(t);
	t->last_ts = t->msg_ts;
	memcpy(name, l + t->ov[2 * G_NAME], (size_t)group_len(t, G_NAME));
	name[group_len(t, G_NAME)] = '\0';
	t->role = speaker_role(t, name);
	buf_reset(&t->text);
	if ((rc = buf_add(&t->text, l + t->ov[2 * G_TEXT],
	    (size_t)group_len(t, G_TEXT))) != 0)
		return rc;
	t->pending = 1;
	return bad;
}

/* A line that continues the message above. */
static int
continue_message(struct text *t, const char *line, size_t len)
{
	int rc;

	if (t->pending != 1)
		return 0;
	if ((rc = buf_addc(&t->text, '\n')) == 0)
		rc = buf_add(&t->text, line, len);
	if (rc != CONVO_EDATA)
		return rc;
	t->pending = -1;
	return parse_error(t->p, t->msg_line, 0, "message longer than 8 MiB");
}

/*
 * Header lines.
 */

/*
 * The key of the header line matched last: 'd'ate, 'i'd (Conversation:
 * or ID:), 'u'ser, 's'ource (Source: or Channel:) or 'a'ssistant.
 */
static int
header_key(const struct text *t)
{
	const char *key = t->line + t->ov[2];
	int c = tolower((unsigned char)key[0]);

	if (c == 'c')
		return tolower((unsigned char)key[1]) == 'h' ? 's' : 'i';
	return c;
}

/* Replaces *dst with the value in group 2 of the last match. */
static int
set_value(struct text *t, char **dst)
{
	int n = group_len(t, 2);
	char *v;

	if (n == 0)
		return 0;
	if ((v = malloc((size_t)n + 1)) == NULL)
		return CONVO_ENOMEM;
	memcpy(v, t->line + t->ov[4], (size_t)n);
	v[n] = '\0';
	free(*dst);
	*dst = v;
	return 0;
}

/* A header line whose key is in group 1 and value in group 2. */
static int
take_header(struct text *t, long lineno)
{
	size_t vstart = t->ov[4], vlen = (size_t)group_len(t, 2);

	if (t->head_line == 0)
		t->head_line = lineno;
	switch (header_key(t)) {
	case 'd':
		if (!match(t, t->re_date, t->line + vstart, vlen) ||
		    set_date(t, t->line + vstart, 1) != 0)
			return parse_error(t->p, lineno, (long)vstart + 1,
			    "bad date '%.*s' (expected YYYY-MM-DD)",
			    (int)(vlen > 40 ? 40 : vlen), t->line + vstart);
		t->prev_ts = CONVO_TIME_NONE;
		return 0;
	case 'i':
		return set_value(t, &t->id);
	case 'u':
		return set_value(t, &t->user);
	case 'a':
		return set_value(t, &t->assistant);
	default:
		return set_value(t, &t->source);
	}
}

/* Whether a line after messages is a header that begins a conversation. */
static int
begins_conversation(struct text *t, const char *line, size_t len)
{
	const char *v;
	size_t n;

	if (!match(t, t->re_head, line, len))
		return 0;
	v = line + t->ov[4];
	n = (size_t)group_len(t, 2);
	switch (header_key(t)) {
	case 'd':
		return match(t, t->re_date, v, n);
	case 'i':
		/* An id is one word; "Conversation: went well" is text. */
		return line[t->ov[2]] != 'i' && line[t->ov[2]] != 'I' &&
		    n > 0 && strcspn(v, " \t") >= n;
	default:
		return 0;
	}
}

/*
 * Ends the conversation; the next one keeps source, bot and date.  It
 * begins even when the last message was bad, so that --skip-bad reads it.
 */
static int
next_conversation(struct text *t)
{
	int rc;

	rc = finish_message(t);
	if (rc != 0 && rc != CONVO_EDATA)
		return rc;
	free(t->id);
	free(t->user);
	free(t->piece_id);
	t->id = t->user = t->piece_id = NULL;
	t->piece_start = t->last_ts = CONVO_TIME_NONE;
	t->n_conv++;
	t->in_header = 1;
	t->head_line = 0;
	t->emitted = 0;
	return rc;
}

/* A line before the first message of a conversation. */
static int
header_line(struct text *t, const char *line, size_t len, long lineno)
{
	if (strspn(line, " \t") == len)
		return 0;
	if (match(t, t->re_head, line, len))
		return take_header(t, lineno);
	if (match(t, t->re_date, line, len) && set_date(t, line, 1) == 0) {
		if (t->head_line == 0)
			t->head_line = lineno;
		t->prev_ts = CONVO_TIME_NONE;
		return 0;
	}
	return parse_error(t->p, lineno, 1,
	    "expected '[HH:MM:SS] Name: text'");
}

static int
take_line(struct text *t, const char *line, size_t len)
{
	long lineno = reader_lineno(t->p->rd);
	int rc, bad = 0;

	t->line = line;
	if (match(t, t->re_msg, line, len))
		return begin_message(t);
	if (!t->in_header && begins_conversation(t, line, len)) {
		/* A bad last message does not cost the next header. */
		if ((bad = next_conversation(t)) != 0 && bad != CONVO_EDATA)
			return bad;
	}
	if (!t->in_header)
		return continue_message(t, line, len);
	rc = header_line(t, line, len, lineno);
	return rc != 0 ? rc : bad;
}

/* A header block with no message after it: say so, store nothing. */
static void
check_empty(struct text *t)
{
	if (t->in_header && t->head_line != 0)
		parse_warning(t->p, t->head_line, 0,
		    "header without messages, nothing imported");
}

static int
read_lines(struct text *t)
{
	const char *line, *why;
	size_t len;
	long col;
	int rc, worst = 0;

	for (;;) {
		if ((rc = reader_line(t->p->rd, &line, &len, &why, &col)) == 0)
			break;
		if (rc == 1)
			rc = take_line(t, line, len);
		else if (rc == CONVO_EDATA) {
			/* The bad line belongs to the message being read. */
			if (t->pending == 1)
				t->pending = -1;
			parse_error(t->p, reader_lineno(t->p->rd), col, "%s",
			    why);
		}
		if (rc == CONVO_EDATA && t->p->skip_bad && !t->fatal)
			worst = rc;
		else if (rc != 0)
			return rc;
	}
	if ((rc = finish_message(t)) != 0)
		return rc;
	check_empty(t);
	return worst;
}

static int
text_open(struct text *t, struct parser *p)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->n_conv = 1;
	t->in_header = 1;
	t->prev_ts = CONVO_TIME_NONE;
	t->piece_start = t->last_ts = CONVO_TIME_NONE;
	buf_init(&t->text, CONVO_MAX_RECORD);
	t->re_msg = compile(msg_pattern, 0);
	t->re_head = compile(head_pattern, PCRE2_CASELESS);
	t->re_date = compile(date_pattern, 0);
	t->md = pcre2_match_data_create(N_GROUPS, NULL);
	if (t->md == NULL)
		return CONVO_ENOMEM;
	t->ov = pcre2_get_ovector_pointer(t->md);
	if (!t->re_msg || !t->re_head || !t->re_date)
		return CONVO_EINTERNAL;
	return 0;
}

static void
text_close(struct text *t)
{
	pcre2_code_free(t->re_msg);
	pcre2_code_free(t->re_head);
	pcre2_code_free(t->re_date);
	pcre2_match_data_free(t->md);
	buf_release(&t->text);
	free(t->id);
	free(t->piece_id);
	free(t->user);
	free(t->source);
	free(t->assistant);
}

int
parse_text(struct parser *p)
{
	struct text t;
	int rc;

	if ((rc = text_open(&t, p)) == 0)
		rc = read_lines(&t);
	text_close(&t);
	return rc;
}

int
parse_text_sniff(const char *head, size_t len)
{
	struct text t;
	const char *nl;
	size_t n;
	int lines, found = 0;

	memset(&t, 0, sizeof(t));
	t.re_msg = compile(msg_pattern, 0);
	t.md = pcre2_match_data_create(N_GROUPS, NULL);
	for (lines = 0; t.re_msg && t.md && len > 0 && lines < 50 && !found;
	    lines++) {
		nl = memchr(head, '\n', len);
		n = nl ? (size_t)(nl - head) : len;
		found = match(&t, t.re_msg, head, n > 0 && head[n - 1] == '\r' ?
		    n - 1 : n);
		head += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
	pcre2_code_free(t.re_msg);
	pcre2_match_data_free(t.md);
	return found;
}
