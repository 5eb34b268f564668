/*
 * parse_csv.c: the CSV format of convo-formats(5): RFC 4180 read with
 * libcsv, one row per message, a header row naming the columns, and its
 * sniffer.  Lines come from the reader, so line numbers and the 8 MiB
 * ceiling hold, and are fed to libcsv one at a time; a quoted field may
 * span lines, so a row is known by the line it starts on.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "internal.h"

/* Wider headers are refused: every column costs memory on every row. */
#define MAX_COLUMNS 4096
/* Longest header name compared with the aliases. */
#define MAX_NAME 64
/* Bytes of a bad value quoted in a diagnostic. */
#define MAX_SHOWN 60

/* What a column holds. */
enum field {
	F_CONV_ID, F_TS, F_ROLE, F_TEXT,
	/* conversation-level */
	F_USER, F_SOURCE, F_ASSISTANT, F_DEVICE, F_BROWSER, F_COUNTRY,
	F_REGION, F_CITY, F_STATUS, F_STARTED_AT, F_ENDED_AT, F_END_REASON,
	F_CSAT, F_LEAD_NAME, F_LEAD_EMAIL, F_LEAD_PHONE,
	/* message-level */
	F_CLICK_TYPE, F_CLICK_TITLE, F_CLICK_TARGET, F_FALLBACK, F_INTENT,
	F_CONFIDENCE, F_AGENT, F_FEEDBACK, F_HANDOVER, F_MEDIA_TYPE,
	F_MEDIA_NAME, F_MEDIA_URL, F_IN_TOKENS, F_OUT_TOKENS, F_COST,
	N_FIELDS,
	F_NONE = -1
};

/*
 * Header names, normalised: lower case, with '.', ' ' and '-' read as
 * '_', so "click.title", "Click Title" and "click_title" are one name.
 */
static const struct alias {
	const char *name;
	enum field field;
} aliases[] = {
	{ "conversation_id", F_CONV_ID }, { "conversation", F_CONV_ID },
	{ "session_id", F_CONV_ID }, { "chat_id", F_CONV_ID },
	{ "timestamp", F_TS }, { "ts", F_TS }, { "time", F_TS },
	{ "created_at", F_TS },
	{ "role", F_ROLE }, { "sender", F_ROLE }, { "author", F_ROLE },
	{ "text", F_TEXT }, { "message", F_TEXT }, { "content", F_TEXT },
	{ "body", F_TEXT },
	{ "user", F_USER }, { "user_id", F_USER },
	{ "source", F_SOURCE }, { "channel", F_SOURCE },
	{ "assistant", F_ASSISTANT }, { "device", F_DEVICE },
	{ "browser", F_BROWSER },
	{ "location_country", F_COUNTRY }, { "country", F_COUNTRY },
	{ "location_region", F_REGION }, { "region", F_REGION },
	{ "location_city", F_CITY }, { "city", F_CITY },
	{ "status", F_STATUS }, { "started_at", F_STARTED_AT },
	{ "ended_at", F_ENDED_AT }, { "end_reason", F_END_REASON },
	{ "csat", F_CSAT },
	{ "lead_name", F_LEAD_NAME }, { "lead_email", F_LEAD_EMAIL },
	{ "lead_phone", F_LEAD_PHONE },
	{ "click_type", F_CLICK_TYPE }, { "click_title", F_CLICK_TITLE },
	{ "click_target", F_CLICK_TARGET }, { "fallback", F_FALLBACK },
	{ "intent", F_INTENT }, { "confidence", F_CONFIDENCE },
	{ "agent", F_AGENT }, { "feedback", F_FEEDBACK },
	{ "handover", F_HANDOVER }, { "media_type", F_MEDIA_TYPE },
	{ "media_name", F_MEDIA_NAME }, { "media_url", F_MEDIA_URL },
	{ "usage_input_tokens", F_IN_TOKENS },
	{ "usage_output_tokens", F_OUT_TOKENS }, { "usage_cost", F_COST }
};

/* What the header says the required columns are called. */
static const char *const required[] = {
	[F_CONV_ID] = "conversation_id", [F_TS] = "timestamp",
	[F_ROLE] = "role"
};


struct column {
	char *name;		/* as the header has it (or "column_N") */
	const char *var;	/* variable name, NULL for a known field */
	char *last;		/* value last emitted in this conversation */
};

/* The fields of the row being read, each NUL-terminated in cells. */
struct row {
	struct buf cells;
	size_t *off;		/* where field i starts in cells */
	size_t n_off;		/* fields stored (at most MAX_COLUMNS) */
	size_t cap_off;
	size_t n_fields;	/* fields seen */
	int done;		/* the row has ended */
	int rc;			/* an error inside a libcsv callback */
};

struct csv {
	struct parser *p;
	struct csv_parser cp;
	unsigned char opts;	/* libcsv options, strict by default */
	int discard;		/* callbacks drop what they get */
	struct row row;
	struct column *cols;
	size_t n_cols;		/* 0 until the header has been read */
	int idx[N_FIELDS];	/* column of each field, or -1 */
	int have_header;	/* the header was read and is good */
	long row_line;		/* where the current row started */
	size_t row_bytes;	/* bytes of the current row so far */
	int in_row;		/* a row spans into the next line */
	int skipping;		/* the row passed the ceiling: to its end */
	int skip_quoted;	/* ... and is inside a quoted field */
	char *prev_id;		/* the previous row's conversation */
	char *prev_source;
	char *lead[3];		/* the lead last emitted in it */
	csv_row_fn row_fn;	/* csv_rows(): takes every row */
	void *row_ctx;
	const char **cellv;	/* the cells handed to row_fn */
	size_t cap_cellv;
};

/* Normalises a header name into out; returns 0 when it is too long. */
static int
normalise(char out[MAX_NAME + 1], const char *s, size_t len)
{
	size_t i;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > MAX_NAME)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		out[i] = ch == '.' || ch == ' ' || ch == '-' ? '_' :
		    (char)tolower(ch);
	}
	out[len] = '\0';
	return 1;
}

/* The field a header name stands for, or F_NONE. */
static enum field
lookup_field(const char *s, size_t len)
{
	char name[MAX_NAME + 1];
	size_t i;

	if (!normalise(name, s, len))
		return F_NONE;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].name) == 0)
			return aliases[i].field;
	return F_NONE;
}

/* libcsv counts a tab as white space unless told otherwise. */
static int
is_space_only(unsigned char c)
{
	return c == ' ';
}

/*
 * Only a line feed ends a row: the reader has removed CRs at line ends,
 * and a CR inside a line is data.
 */
static int
is_newline(unsigned char c)
{
	return c == '\n';
}

/* The first line of head: a BOM and blank lines skipped. */
static void
first_line(const char **line, size_t *n, const char *head, size_t len)
{
	const char *nl;

	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		head += 3, len -= 3;
	while (len > 0 && strchr(" \t\r\n", *head) != NULL && *head != '\0')
		head++, len--;
	nl = memchr(head, '\n', len);
	*line = head;
	*n = nl ? (size_t)(nl - head) : len;
}

/*
 * The delimiter: ',' unless the header line has more ';' or tabs than
 * commas outside quotes (European spreadsheets write ';').
 */
static unsigned char
choose_delim(const char *line, size_t n)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == ',')
			comma++;
		else if (!quoted && line[i] == ';')
			semi++;
		else if (!quoted && line[i] == '\t')
			tab++;
	}
	if (tab > comma && tab > semi)
		return '\t';
	if (semi > comma)
		return ';';
	return ',';
}

static void
setup_libcsv(struct csv_parser *cp, unsigned char opts, unsigned char delim)
{
	csv_init(cp, opts);
	csv_set_delim(cp, delim);
	csv_set_term_func(cp, is_newline);
	if (delim == '\t')
		csv_set_space_func(cp, is_space_only);
	/* libcsv grows its field buffer linearly, by this much. */
	csv_set_blk_size(cp, 16u << 10);
}

/* What the sniffer learns from the header line. */
struct sniff {
	size_t n;
	int has_id;
	int has_ts;
};

static void
sniff_field(void *s, size_t len, void *data)
{
	struct sniff *sn = data;
	enum field f = lookup_field(s, len);

	sn->n++;
	sn->has_id |= f == F_CONV_ID;
	sn->has_ts |= f == F_TS;
}

int
parse_csv_sniff(const char *head, size_t len)
{
	struct csv_parser cp;
	struct sniff sn = { 0, 0, 0 };
	const char *line;
	size_t n;

	first_line(&line, &n, head, len);
	setup_libcsv(&cp, 0, choose_delim(line, n));
	csv_parse(&cp, line, n, sniff_field, NULL, &sn);
	csv_fini(&cp, sniff_field, NULL, &sn);
	csv_free(&cp);
	return sn.n >= 2 && sn.has_id && sn.has_ts;
}

/*
 * Reading rows.
 */

static void
on_field(void *s, size_t len, void *data)
{
	struct csv *c = data;
	struct row *r = &c->row;
	size_t cap, *off;

	if (c->discard || r->rc != 0 || r->n_fields++ >= MAX_COLUMNS)
		return;
	if (r->n_off == r->cap_off) {
		cap = r->cap_off ? r->cap_off * 2 : 32;
		if ((off = realloc(r->off, cap * sizeof(*off))) == NULL) {
			r->rc = CONVO_ENOMEM;
			return;
		}
		r->off = off;
		r->cap_off = cap;
	}
	r->off[r->n_off++] = r->cells.len;
	if ((r->rc = buf_add(&r->cells, s, len)) == 0)
		r->rc = buf_addc(&r->cells, '\0');
}

static void
on_row(int term, void *data)
{
	struct csv *c = data;

	(void)term;
	if (!c->discard)
		c->row.done = 1;
}

static void
row_reset(struct csv *c)
{
	buf_reset(&c->row.cells);
	c->row.n_off = 0;
	c->row.n_fields = 0;
	c->row.done = 0;
	c->row.rc = 0;
	c->in_row = 0;
}

/* Forgets the row in progress, so the next line starts a new one. */
static void
drop_row(struct csv *c)
{
	c->discard = 1;
	csv_fini(&c->cp, on_field, on_row, c);
	c->discard = 0;
	row_reset(c);
}

/* Cell i of the current row. */
static const char *
field_at(const struct csv *c, size_t i)
{
	return c->row.cells.data + c->row.off[i];
}

/* The cell of field f, or NULL when the column is absent or empty. */
static const char *
cell(const struct csv *c, enum field f)
{
	const char *s;

	if (c->idx[f] < 0)
		return NULL;
	s = field_at(c, (size_t)c->idx[f]);
	return *s != '\0' ? s : NULL;
}

static const char *
col_name(const struct csv *c, enum field f)
{
	return c->cols[c->idx[f]].name;
}

/*
 * Copies s into out for a diagnostic, cut at a character boundary after
 * MAX_SHOWN bytes, so one huge cell cannot swamp the message.
 */
static const char *
shown(char out[MAX_SHOWN + 4], const char *s)
{
	size_t n = strlen(s);

	if (n <= MAX_SHOWN)
		return s;
	n = MAX_SHOWN;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

/* Reports a bad cell: "WHAT 'VALUE' in column 'NAME'TAIL". */
static int
bad_cell(struct csv *c, enum field f, const char *what, const char *v,
    const char *tail)
{
	char buf[MAX_SHOWN + 4];

	return parse_error(c->p, c->row_line, 0, "%s '%s' in column '%s'%s",
	    what, shown(buf, v), col_name(c, f), tail);
}

/*
 * The header.
 */

/* Makes column i a variable; warns why at the header's line. */
static int
keep_as_variable(struct csv *c, size_t i, const char *why)
{
	struct column *col = &c->cols[i];
	char buf[MAX_SHOWN + 4];

	col->var = col->name;
	if (strncasecmp(col->name, "variables", 9) == 0 &&
	    (col->name[9] == '.' || col->name[9] == '_') &&
	    col->name[10] != '\0') {
		col->var = col->name + 10;
		return 0;
	}
	return parse_warning(c->p, c->row_line, 0,
	    "%s column '%s' kept as a variable", why, shown(buf, col->name));
}

/* Names column i from its header cell and finds what it holds. */
static int
name_column(struct csv *c, size_t i)
{
	const char *s = field_at(c, i);
	struct column *col = &c->cols[i];
	struct buf b;
	enum field f;

	buf_init(&b, CONVO_MAX_RECORD);
	if (*s == '\0' ? buf_printf(&b, "column_%zu", i + 1) : buf_adds(&b, s))
		return CONVO_ENOMEM;
	col->name = buf_detach(&b);
	if (*s == '\0')
		return keep_as_variable(c, i, "unnamed");
	if ((f = lookup_field(s, strlen(s))) == F_NONE)
		return keep_as_variable(c, i, "unknown");
	if (c->idx[f] >= 0)
		return keep_as_variable(c, i, "duplicate");
	c->idx[f] = (int)i;
	return 0;
}

static int
take_header(struct csv *c)
{
	size_t i, f;
	int rc = 0;

	if (c->row.n_fields > MAX_COLUMNS)
		return parse_error(c->p, c->row_line, 0,
		    "header has more than %d columns", MAX_COLUMNS);
	if ((c->cols = calloc(c->row.n_fields, sizeof(*c->cols))) == NULL)
		return CONVO_ENOMEM;
	c->n_cols = c->row.n_fields;
	for (i = 0; i < c->n_cols; i++)
		if ((rc = name_column(c, i)) != 0)
			return rc;
	for (f = 0; f < sizeof(required) / sizeof(required[0]); f++)
		if (c->idx[f] < 0)
			rc = parse_error(c->p, c->row_line, 0,
			    "missing column '%s'", required[f]);
	return rc;
}

/*
 * Cells to values.
 */

/* A whole number >= 0. */
static int
parse_count(int64_t *out, const char *s)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_number(double *out, const char *s)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(*out))
		return -1;
	return 0;
}

/* true/false/yes/no/1/0 in any case; an empty cell is "not stated". */
static int
parse_bool(int *out, const char *s)
{
	static const char *const names[] = {
		"false", "true", "no", "yes", "0", "1"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0) {
			*out = (int)(i % 2);
			return 0;
		}
	return -1;
}

/* Digits with at most one '.': a Unix epoch number. */
static int
is_epoch(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0)
		return 0;
	if (s[digits] == '.')
		digits += 1 + strspn(s + digits + 1, "0123456789");
	return s[digits] == '\0';
}

/* Reads the timestamp in column f into *out. */
static int
take_time(struct csv *c, int64_t *out, enum field f)
{
	const char *s = cell(c, f), *why = NULL;
	char buf[MAX_SHOWN + 4];
	int rc;

	if (s == NULL)
		return 0;
	if (is_epoch(s))
		rc = convo_time_from_epoch(out, &why, strtod(s, NULL));
	else
		rc = convo_time_parse(out, &why, s);
	if (rc == 0)
		return 0;
	return parse_error(c->p, c->row_line, 0,
	    "bad timestamp '%s' in column '%s': %s", shown(buf, s),
	    col_name(c, f), why ? why : "not a time");
}

static int
take_role(struct csv *c, enum convo_role *out)
{
	const char *s = cell(c, F_ROLE);

	if ((*out = role_from_name(s)) != CONVO_ROLE_NONE)
		return 0;
	return bad_cell(c, F_ROLE, "unknown role", s,
	    " (expected user, assistant, agent or system)");
}

/* The required cells: conversation id, timestamp and role. */
static int
take_required(struct csv *c, struct convo_rec *msg)
{
	static const enum field need[] = { F_CONV_ID, F_TS, F_ROLE };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (cell(c, need[i]) == NULL)
			return parse_error(c->p, c->row_line, 0,
			    "missing value in column '%s'",
			    col_name(c, need[i]));
	msg->conv_id = cell(c, F_CONV_ID);
	msg->source = cell(c, F_SOURCE);
	if ((rc = take_time(c, &msg->msg.ts, F_TS)) != 0)
		return rc;
	msg->ts = msg->msg.ts;
	return take_role(c, &msg->msg.role);
}

static int
take_usage(struct csv *c, struct convo_usage *u)
{
	static const enum field counts[] = { F_IN_TOKENS, F_OUT_TOKENS };
	int64_t *dest[] = { &u->input_tokens, &u->output_tokens };
	const char *s;
	size_t i;

	for (i = 0; i < 2; i++)
		if ((s = cell(c, counts[i])) != NULL &&
		    parse_count(dest[i], s) != 0)
			return bad_cell(c, counts[i], "bad number", s,
			    " (expected a whole number)");
	if ((s = cell(c, F_COST)) == NULL)
		return 0;
	if (parse_number(&u->cost, s) != 0 || u->cost < 0)
		return bad_cell(c, F_COST, "bad number", s, "");
	u->has_cost = 1;
	return 0;
}

/* fallback, feedback, handover and confidence: the checked cells. */
static int
take_signals(struct csv *c, struct convo_msg_fields *m)
{
	const char *s;

	if ((s = cell(c, F_FALLBACK)) != NULL && parse_bool(&m->fallback, s))
		return bad_cell(c, F_FALLBACK, "bad boolean", s,
		    " (expected true, false, yes, no, 1 or 0)");
	if ((s = cell(c, F_FEEDBACK)) != NULL &&
	    (m->feedback = feedback_from_name(s)) == CONVO_FEEDBACK_NONE)
		return bad_cell(c, F_FEEDBACK, "unknown feedback", s,
		    " (expected up or down)");
	if ((s = cell(c, F_HANDOVER)) != NULL &&
	    (m->handover = handover_from_name(s)) == CONVO_HANDOVER_NONE)
		return bad_cell(c, F_HANDOVER, "unknown handover", s,
		    " (expected direct, after_fallback or operator_button)");
	if ((s = cell(c, F_CONFIDENCE)) == NULL)
		return 0;
	if (parse_number(&m->confidence, s) != 0)
		return bad_cell(c, F_CONFIDENCE, "bad number", s, "");
	m->has_confidence = 1;
	return 0;
}

static int
take_msg(struct csv *c, struct convo_rec *msg)
{
	struct convo_msg_fields *m = &msg->msg;
	int rc;

	if ((rc = take_required(c, msg)) != 0 ||
	    (rc = take_signals(c, m)) != 0 ||
	    (rc = take_usage(c, &m->usage)) != 0)
		return rc;
	if ((m->text = cell(c, F_TEXT)) != NULL)
		m->text_len = strlen(m->text);
	m->click_type = cell(c, F_CLICK_TYPE);
	m->click_title = cell(c, F_CLICK_TITLE);
	m->click_target = cell(c, F_CLICK_TARGET);
	m->intent = cell(c, F_INTENT);
	m->agent = cell(c, F_AGENT);
	m->media_type = cell(c, F_MEDIA_TYPE);
	m->media_name = cell(c, F_MEDIA_NAME);
	m->media_url = cell(c, F_MEDIA_URL);
	return 0;
}

/* status, csat, started_at, ended_at: the checked conversation cells. */
static int
take_conv_checked(struct csv *c, struct convo_conv_fields *cf)
{
	const char *s;
	int64_t n;
	int rc;

	if ((s = cell(c, F_STATUS)) != NULL) {
		if (strcasecmp(s, "active") == 0)
			cf->status = "active";
		else if (strcasecmp(s, "ended") == 0)
			cf->status = "ended";
		else
			return bad_cell(c, F_STATUS, "unknown status", s,
			    " (expected active or ended)");
	}
	if ((s = cell(c, F_CSAT)) != NULL) {
		if (parse_count(&n, s) != 0 || n < 1 || n > 5)
			return bad_cell(c, F_CSAT, "bad csat", s,
			    " (expected 1 to 5)");
		cf->csat = (int)n;
	}
	if ((rc = take_time(c, &cf->started_at, F_STARTED_AT)) != 0)
		return rc;
	return take_time(c, &cf->ended_at, F_ENDED_AT);
}

/* Fills conv; *stated says whether any conversation-level cell is set. */
static int
take_conv(struct csv *c, struct convo_rec *conv, int *stated)
{
	struct convo_conv_fields *cf = &conv->conv;
	int f;

	*stated = 0;
	for (f = F_USER; f <= F_CSAT; f++)
		*stated |= cell(c, (enum field)f) != NULL;
	cf->user = cell(c, F_USER);
	cf->assistant = cell(c, F_ASSISTANT);
	cf->device = cell(c, F_DEVICE);
	cf->browser = cell(c, F_BROWSER);
	cf->country = cell(c, F_COUNTRY);
	cf->region = cell(c, F_REGION);
	cf->city = cell(c, F_CITY);
	cf->end_reason = cell(c, F_END_REASON);
	return take_conv_checked(c, cf);
}

/*
 * Emitting a row.
 */

/* Replaces *dst with a copy of s (or NULL). */
static int
set_copy(char **dst, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return CONVO_ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Whether this row names another conversation than the previous one; if
 * so, remembers it and forgets what was emitted for the old one, so that
 * memory stays flat however many conversations a file holds.  A row of
 * the same id with an empty source continues the conversation above:
 * exports often state conversation-level cells on its first row only.
 */
static int
next_conversation(struct csv *c, struct convo_rec *msg, int *changed)
{
	size_t i;
	int rc;

	if (c->prev_id != NULL && strcmp(c->prev_id, msg->conv_id) == 0 &&
	    msg->source == NULL)
		msg->source = c->prev_source;
	*changed = c->prev_id == NULL || strcmp(c->prev_id, msg->conv_id) ||
	    !same_str(c->prev_source, msg->source);
	if (!*changed)
		return 0;
	for (i = 0; i < c->n_cols; i++)
		set_copy(&c->cols[i].last, NULL);
	for (i = 0; i < 3; i++)
		set_copy(&c->lead[i], NULL);
	if ((rc = set_copy(&c->prev_id, msg->conv_id)) != 0)
		return rc;
	return set_copy(&c->prev_source, msg->source);
}

/* A record of kind about msg's conversation, at its time and line. */
static void
rec_for(struct convo_rec *rec, enum convo_rec_kind kind,
    const struct csv *c, const struct convo_rec *msg)
{
	rec_init(rec, kind);
	rec->line = c->row_line;
	rec->conv_id = msg->conv_id;
	rec->source = msg->source;
	rec->ts = msg->ts;
}

/* The variables whose value differs from the one emitted last. */
static int
emit_variables(struct csv *c, const struct convo_rec *msg)
{
	struct convo_rec rec;
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < c->n_cols; i++) {
		v = field_at(c, i);
		if (c->cols[i].var == NULL || *v == '\0' ||
		    same_str(c->cols[i].last, v))
			continue;
		rec_for(&rec, CONVO_REC_VARIABLE, c, msg);
		rec.var_name = c->cols[i].var;
		rec.var_value = v;
		rec.var_source = "csv";
		if ((rc = parse_emit(c->p, &rec)) != 0 ||
		    (rc = set_copy(&c->cols[i].last, v)) != 0)
			return rc;
	}
	return 0;
}

/* The lead, unless it is the one emitted last for this conversation. */
static int
emit_lead(struct csv *c, const struct convo_rec *msg)
{
	struct convo_rec rec;
	const char *v[3];
	size_t i;
	int rc;

	v[0] = cell(c, F_LEAD_NAME);
	v[1] = cell(c, F_LEAD_EMAIL);
	v[2] = cell(c, F_LEAD_PHONE);
	if ((!v[0] && !v[1] && !v[2]) || (same_str(v[0], c->lead[0]) &&
	    same_str(v[1], c->lead[1]) && same_str(v[2], c->lead[2])))
		return 0;
	rec_for(&rec, CONVO_REC_LEAD, c, msg);
	rec.lead_name = v[0];
	rec.lead_email = v[1];
	rec.lead_phone = v[2];
	if ((rc = parse_emit(c->p, &rec)) != 0)
		return rc;
	for (i = 0; i < 3; i++)
		if ((rc = set_copy(&c->lead[i], v[i])) != 0)
			return rc;
	return 0;
}

/* Checks a data row whole, then emits its records. */
static int
take_row(struct csv *c)
{
	struct convo_rec conv, msg;
	int rc, stated, changed;

	if (c->row.n_fields != c->n_cols)
		return parse_error(c->p, c->row_line, 0,
		    "row has %zu field%s, header has %zu", c->row.n_fields,
		    c->row.n_fields == 1 ? "" : "s", c->n_cols);
	rec_init(&msg, CONVO_REC_MSG);
	rec_init(&conv, CONVO_REC_CONV);
	if ((rc = take_msg(c, &msg)) != 0 ||
	    (rc = take_conv(c, &conv, &stated)) != 0 ||
	    (rc = next_conversation(c, &msg, &changed)) != 0)
		return rc;
	msg.line = c->row_line;
	conv.line = c->row_line;
	conv.conv_id = msg.conv_id;
	conv.source = msg.source;
	conv.ts = msg.ts;
	if ((stated || changed) && (rc = parse_emit(c->p, &conv)) != 0)
		return rc;
	if ((rc = emit_variables(c, &msg)) != 0 ||
	    (rc = emit_lead(c, &msg)) != 0)
		return rc;
	return parse_emit(c->p, &msg);
}

/*
 * The loop over lines.
 */

/*
 * Feeds s to libcsv.  A bare quote inside an unquoted field is taken
 * literally, as spreadsheets read it; text after a closing quote is an
 * error, since the field's end is then a guess.
 */
static int
feed(struct csv *c, const char *s, size_t len)
{
	size_t done = 0;

	for (;;) {
		done += csv_parse(&c->cp, s + done, len - done, on_field,
		    on_row, c);
		if (c->row.rc != 0)
			return c->row.rc;
		if (done == len)
			return 0;
		if (csv_error(&c->cp) != CSV_EPARSE)
			return CONVO_ENOMEM;
		if (c->cp.quoted)
			return parse_error(c->p, reader_lineno(c->p->rd),
			    (long)done + 1,
			    "unexpected text after closing quote");
		csv_set_opts(&c->cp, c->opts & ~CSV_STRICT);
		done += csv_parse(&c->cp, s + done, 1, on_field, on_row, c);
		csv_set_opts(&c->cp, c->opts);
	}
}

/* Whether a line holds only blanks, which libcsv skips between rows. */
static int
is_blank(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == 0;
}

/* csv_rows(): hands the row to the caller's function. */
static int
hand_row(struct csv *c)
{
	const char **v;
	size_t i, n = c->row.n_off;
	int rc;

	if (c->row.n_fields > n)
		return parse_error(c->p, c->row_line, 0,
		    "row has more than %d fields", MAX_COLUMNS);
	if (n > c->cap_cellv) {
		if ((v = realloc(c->cellv, n * sizeof(*v))) == NULL)
			return CONVO_ENOMEM;
		c->cellv = v;
		c->cap_cellv = n;
	}
	for (i = 0; i < n; i++)
		c->cellv[i] = field_at(c, i);
	rc = c->row_fn(c->row_ctx, c->row_line, c->cellv, n);
	/* The first row is the header: after it, bad rows can be skipped. */
	if (rc == 0)
		c->have_header = 1;
	return rc;
}

/*
 * A line of a row that passed the ceiling, which libcsv would hold whole:
 * only its quotes are followed, to find where the row ends.  Returns
 * whether it ends on this line.
 */
static int
skip_line(struct csv *c, const char *s, size_t len)
{
	char delim = (char)csv_get_delim(&c->cp);
	int start = 0;		/* at a field's start, blanks aside */
	size_t i;

	for (i = 0; i < len; i++) {
		if (c->skip_quoted) {
			if (s[i] != '"')
				continue;
			if (i + 1 < len && s[i + 1] == '"')
				i++;
			else
				c->skip_quoted = 0;
		} else if (s[i] == delim)
			start = 1;
		else if (s[i] == '"' && start)
			c->skip_quoted = 1;
		else if (s[i] != ' ')
			start = 0;
	}
	return !c->skip_quoted;
}

/*
 * A row over the ceiling is reported once.  Spanning lines, it is in a
 * quoted field: its other lines are skipped, not read as rows.
 */
static int
too_long(struct csv *c, const char *line, size_t len)
{
	int quoted = c->in_row;

	drop_row(c);
	if (quoted) {
		c->skip_quoted = 1;
		c->skipping = !skip_line(c, line, len);
		c->in_row = c->skipping;
	}
	return parse_error(c->p, c->row_line, 0, "row longer than 8 MiB");
}

static int
feed_line(struct csv *c, const char *line, size_t len)
{
	int rc;

	if (c->skipping) {
		if (skip_line(c, line, len))
			c->skipping = c->in_row = 0;
		return 0;
	}
	if (!c->in_row) {
		c->row_line = reader_lineno(c->p->rd);
		c->row_bytes = 0;
	}
	if (len + 1 > CONVO_MAX_RECORD - c->row_bytes)
		return too_long(c, line, len);
	c->row_bytes += len + 1;
	if ((rc = feed(c, line, len)) != 0 || (rc = feed(c, "\n", 1)) != 0) {
		drop_row(c);
		return rc;
	}
	if (!c->row.done) {
		c->in_row = c->in_row || !is_blank(line, len);
		return 0;
	}
	if (c->row_fn != NULL)
		rc = hand_row(c);
	else if (c->have_header)
		rc = take_row(c);
	else if ((rc = take_header(c)) == 0)
		c->have_header = 1;
	row_reset(c);
	return rc;
}

static int
read_rows(struct csv *c)
{
	const char *line, *why;
	size_t len;
	long col;
	int rc, worst = 0;

	for (;;) {
		rc = reader_line(c->p->rd, &line, &len, &why, &col);
		if (rc == 0)
			break;
		if (rc == 1)
			rc = feed_line(c, line, len);
		else if (rc == CONVO_EDATA) {
			drop_row(c);
			parse_error(c->p, reader_lineno(c->p->rd), col, "%s",
			    why);
		}
		/* Without a header, no row can be read: give up. */
		if (rc == CONVO_EDATA && c->p->skip_bad && c->have_header)
			worst = rc;
		else if (rc != 0)
			return rc;
	}
	if (c->in_row)
		return parse_error(c->p, c->row_line, 0,
		    "unterminated quoted field");
	return worst;
}

static void
csv_release(struct csv *c)
{
	size_t i;

	csv_free(&c->cp);
	for (i = 0; i < c->n_cols; i++) {
		free(c->cols[i].name);
		free(c->cols[i].last);
	}
	free(c->cols);
	free(c->row.off);
	buf_release(&c->row.cells);
	free(c->prev_id);
	free(c->prev_source);
	for (i = 0; i < 3; i++)
		free(c->lead[i]);
	free(c->cellv);
}

/* Reads p's rows with fn, or, without fn, as the CSV format. */
static int
read_csv(struct parser *p, csv_row_fn fn, void *ctx)
{
	struct csv c;
	const char *head, *line;
	size_t len, n, i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.row_fn = fn;
	c.row_ctx = ctx;
	for (i = 0; i < N_FIELDS; i++)
		c.idx[i] = -1;
	/* A row's cells: its bytes plus a NUL per field. */
	buf_init(&c.row.cells, CONVO_MAX_RECORD + MAX_COLUMNS);
	if ((rc = reader_peek(p->rd, &head, &len, 64u << 10)) != 0)
		return rc;
	first_line(&line, &n, head, len);
	c.opts = CSV_STRICT;
	setup_libcsv(&c.cp, c.opts, choose_delim(line, n));
	rc = read_rows(&c);
	csv_release(&c);
	return rc;
}

int
parse_csv(struct parser *p)
{
	return read_csv(p, NULL, NULL);
}

int
csv_rows(struct parser *p, csv_row_fn fn, void *ctx)
{
	return read_csv(p, fn, ctx);
}
