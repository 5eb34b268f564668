/*
 * parse.c: what all parsers share: records, name tables, diagnostics,
 * format detection from the content, and dispatch to the parser of a
 * format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const format_names[] = {
	[CONVO_FMT_AUTO] = "auto",
	[CONVO_FMT_JSON] = "json",
	[CONVO_FMT_EVENTS] = "events",
	[CONVO_FMT_CSV] = "csv",
	[CONVO_FMT_TEXT] = "text",
	[CONVO_FMT_WHATSAPP] = "whatsapp",
	[CONVO_FMT_RASA] = "rasa",
	[CONVO_FMT_BOTFRAMEWORK] = "botframework",
	[CONVO_FMT_LLM] = "llm",
	[CONVO_FMT_CHATWOOT] = "chatwoot"
};

/*
 * The adapters, asked before the native formats in this order: each
 * sniffer looks for what only its platform writes.
 */
static const struct {
	enum convo_format format;
	int (*sniff)(const char *head, size_t len);
} adapters[] = {
	{ CONVO_FMT_WHATSAPP, parse_whatsapp_sniff },
	{ CONVO_FMT_RASA, parse_rasa_sniff },
	{ CONVO_FMT_BOTFRAMEWORK, parse_botframework_sniff },
	{ CONVO_FMT_CHATWOOT, parse_chatwoot_sniff },
	{ CONVO_FMT_LLM, parse_llm_sniff }
};

int
convo_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
convo_format_name(enum convo_format f)
{
	if ((size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[f];
}

void
rec_init(struct convo_rec *rec, enum convo_rec_kind kind)
{
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->ts = CONVO_TIME_NONE;
	rec->conv.started_at = CONVO_TIME_NONE;
	rec->conv.ended_at = CONVO_TIME_NONE;
	rec->conv.usage.input_tokens = CONVO_NUM_NONE;
	rec->conv.usage.output_tokens = CONVO_NUM_NONE;
	rec->msg.ts = CONVO_TIME_NONE;
	rec->msg.fallback = CONVO_BOOL_NONE;
	rec->msg.usage.input_tokens = CONVO_NUM_NONE;
	rec->msg.usage.output_tokens = CONVO_NUM_NONE;
	rec->feedback_index = -1;
}

/* Looks s up in names[1..n-1], case-insensitively; 0 when not found. */
static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	return 0;
}

static const char *const role_names[] = {
	"", "user", "assistant", "agent", "system"
};
static const char *const handover_names[] = {
	"", "direct", "after_fallback", "operator_button"
};
static const char *const feedback_names[] = { "", "up", "down" };

/* Role names that exports use besides the model's own. */
static const struct {
	const char *name;
	enum convo_role role;
} role_aliases[] = {
	{ "ai", CONVO_ROLE_ASSISTANT },
	{ "bot", CONVO_ROLE_ASSISTANT },
	{ "customer", CONVO_ROLE_USER },
	{ "operator", CONVO_ROLE_AGENT },
	{ "visitor", CONVO_ROLE_USER }
};

enum convo_role
role_from_name(const char *s)
{
	size_t i;
	int r;

	if ((r = lookup(role_names, NELEM(role_names), s)) != 0 || s == NULL)
		return (enum convo_role)r;
	for (i = 0; i < NELEM(role_aliases); i++)
		if (strcasecmp(s, role_aliases[i].name) == 0)
			return role_aliases[i].role;
	return CONVO_ROLE_NONE;
}

enum convo_handover
handover_from_name(const char *s)
{
	return (enum convo_handover)lookup(handover_names,
	    NELEM(handover_names), s);
}

enum convo_feedback
feedback_from_name(const char *s)
{
	return (enum convo_feedback)lookup(feedback_names,
	    NELEM(feedback_names), s);
}

const char *
role_name(enum convo_role r)
{
	return (size_t)r < NELEM(role_names) ? role_names[r] : "";
}

const char *
handover_name(enum convo_handover h)
{
	return (size_t)h < NELEM(handover_names) ? handover_names[h] : "";
}

const char *
feedback_name(enum convo_feedback f)
{
	return (size_t)f < NELEM(feedback_names) ? feedback_names[f] : "";
}

/*
 * A diagnostic quotes the input, which may hold anything valid UTF-8
 * allows: it is handed on as one line of clean text (esc_line()), so that
 * no terminal escape, RLO or line end reaches the terminal or forges a
 * line; a message cut short ends in U+FFFD rather than half a character.
 */
static void
report(struct parser *p, enum convo_severity sev, long line, long col,
    const char *fmt, va_list ap)
{
	struct convo_diag d;
	struct buf clean;
	char msg[512];

	if (p->diag == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	buf_init(&clean, 4 * sizeof(msg));
	d.file = p->file;
	d.line = line;
	d.col = col;
	d.severity = sev;
	d.message = esc_line(&clean, msg, strlen(msg)) == 0 && clean.data ?
	    clean.data : "out of memory";
	p->diag(p->diag_ctx, &d);
	buf_release(&clean);
}

int
parse_error(struct parser *p, long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(p, CONVO_SEV_ERROR, line, col, fmt, ap);
	va_end(ap);
	p->n_bad++;
	return CONVO_EDATA;
}

int
parse_warning(struct parser *p, long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(p, CONVO_SEV_WARNING, line, col, fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * Whether id holds a control character (C0, DEL, C1): an id is what a
 * command line, convo-list --ids and a pipe pass around, and one with a
 * line end or an escape could be neither typed nor read back.
 */
static int
bad_id(const char *id)
{
	const unsigned char *u = (const unsigned char *)id;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f || (*u == 0xc2 && u[1] >= 0x80 &&
		    u[1] < 0xa0))
			return 1;
	return 0;
}

int
parse_emit(struct parser *p, const struct convo_rec *rec)
{
	size_t n;

	if (rec->conv_id != NULL && bad_id(rec->conv_id)) {
		/* Quoted up to 40 bytes, cut at a character. */
		n = strnlen(rec->conv_id, 41);
		if (n > 40)
			for (n = 40; n > 0 &&
			    ((unsigned char)rec->conv_id[n] & 0xc0) == 0x80; n--)
				;
		return parse_error(p, rec->line, 0, "control character in the "
		    "conversation id '%.*s'", (int)n, rec->conv_id);
	}
	p->n_records++;
	return p->sink(p->sink_ctx, rec);
}

/*
 * Long threads (model.md): a gap of 0 or less never cuts.
 */
int
thread_cuts(const struct parser *p, int64_t last, int64_t ts)
{
	int64_t gap = p->session_gap_ms;

	return gap > 0 && last != CONVO_TIME_NONE && ts - last > gap;
}

int
thread_piece_id(char **out, const char *id, int64_t start)
{
	time_t secs = (time_t)(start / 1000);
	struct tm tm;
	struct buf b;
	int rc;

	*out = NULL;
	if (gmtime_r(&secs, &tm) == NULL)
		return CONVO_EINTERNAL;
	buf_init(&b, CONVO_MAX_RECORD);
	rc = buf_printf(&b, "%s@%04d%02d%02dT%02d%02d%02dZ", id,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (rc == 0 && (*out = buf_detach(&b)) == NULL)
		rc = CONVO_ENOMEM;
	buf_release(&b);
	return rc;
}

/*
 * Binary input: a byte sequence that is not UTF-8 near the start, or more
 * than one control character in ten.  A lone NUL or bad byte later on is
 * left to the reader, which names its line and column.
 */
static int
looks_binary(const char *head, size_t len)
{
	size_t i, bad, ctl = 0;

	bad = utf8_check(head, len);
	if (bad != 0 && bad <= 16 && len - bad >= 4)
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)head[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f') || c == 0x7f)
			ctl++;
	}
	return ctl > 0 && ctl * 10 > len;
}

enum convo_format
parse_detect(const char *head, size_t len, const char **why)
{
	const char *nl;
	size_t i;
	int f;

	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) {
		head += 3;
		len -= 3;
	}
	while (len > 0 && strchr(" \t\r\n\f", *head) != NULL && *head != '\0') {
		head++;
		len--;
	}
	if (len == 0) {
		*why = "empty file";
		return CONVO_FMT_AUTO;
	}
	if (looks_binary(head, len)) {
		*why = "binary file";
		return CONVO_FMT_AUTO;
	}
	for (i = 0; i < NELEM(adapters); i++)
		if (adapters[i].sniff(head, len))
			return adapters[i].format;
	/*
	 * A transcript without a header starts with '[' too, but its first
	 * line "[10:30] User: hi" is never JSON.
	 */
	nl = memchr(head, '\n', len);
	if (*head == '[' && parse_text_sniff(head, nl ? (size_t)(nl - head) :
	    len))
		return CONVO_FMT_TEXT;
	if ((f = parse_json_sniff(head, len)) != 0)
		return (enum convo_format)f;
	if (parse_text_sniff(head, len))
		return CONVO_FMT_TEXT;
	if (parse_csv_sniff(head, len))
		return CONVO_FMT_CSV;
	*why = "unknown format (not a native format or a known platform's "
	    "export)";
	return CONVO_FMT_AUTO;
}

int
parse_run(struct parser *p, enum convo_format fmt)
{
	switch (fmt) {
	case CONVO_FMT_JSON:
		return parse_json(p);
	case CONVO_FMT_EVENTS:
		return parse_events(p);
	case CONVO_FMT_CSV:
		return parse_csv(p);
	case CONVO_FMT_TEXT:
		return parse_text(p);
	case CONVO_FMT_WHATSAPP:
		return parse_whatsapp(p);
	case CONVO_FMT_RASA:
		return parse_rasa(p);
	case CONVO_FMT_BOTFRAMEWORK:
		return parse_botframework(p);
	case CONVO_FMT_LLM:
		return parse_llm(p);
	case CONVO_FMT_CHATWOOT:
		return parse_chatwoot(p);
	case CONVO_FMT_AUTO:
		break;
	}
	return CONVO_EINTERNAL;
}
