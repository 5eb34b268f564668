/*
 * parse_whatsapp.c: WhatsApp "Export chat" text (convo-formats(5)), from
 * Android and iOS in any locale we know of, and its sniffer.
 *
 * A message line is a time stamp, an author, ": " and the text:
 *
 *	20/11/2026, 10:30 - Anna: Hello			(Android)
 *	[20/11/2026, 10:30:15] Anna: Hello		(iOS)
 *	11/20/26, 10:30 AM - Anna: Hello		(12 h clocks)
 *	2026/11/20 10.30.15: Anna: Hello		(year first, dots)
 *	20.11.2026 klo 10.30 - Anna: Hello		(Finnish)
 *
 * A line of the same shape without "Name: " is a system line (joins,
 * the encryption notice); so is a line whose text begins with U+200E,
 * which iOS writes before its notices, unless it is a media marker.
 * Every other line continues the message above.  The first message line
 * fixes the shape (brackets, date separator, separator, 12 h clock,
 * seconds), so a continuation line that happens to begin with a date is
 * not taken for a message.
 *
 * Day and month order: a date whose first field is above 12 makes the
 * file day first, one whose second field is, month first.  Until a date
 * decides, complete messages are held in a queue (at most QUEUE_MAX
 * bytes); at the end, a file no date decides is refused unless every
 * held date reads the same either way.  --date-order forces the order.
 *
 * The thread is cut at the session gap (thread_cuts(), as transcripts
 * are); the thread's id hashes its first message line, so exports of the
 * same chat, of any length, agree on it.  Messages with the same written
 * time stamp are 1 ms apart in file order, so two "ok"s in one minute
 * stay two messages, and again the same two on re-import.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"

/* Blanks: space, tab, U+00A0, U+202F; marks: U+200E, U+200F. */
#define SP "(?:[ \\t]|\\xC2\\xA0|\\xE2\\x80\\xAF)"
#define LRM "(?:\\xE2\\x80[\\x8E\\x8F])"

static const char line_pattern[] =
    "^" LRM "*(\\[)?" LRM "*"
    "(\\d{1,4})([./-])" SP "?(\\d{1,2})\\3" SP "?(\\d{1,4})\\.?"
    ",?" SP "*(?:klo" SP "+)?"
    "(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?"
    "(?:" SP "*([AaPp])\\.?" SP "?[Mm]\\.?)?"
    "(?(1)" SP "*\\]|(?:" SP "+(-|\\xE2\\x80\\x93)|(:))?)"
    SP "+(.*)\\z";
enum {
	G_BRACKET = 1, G_A, G_DSEP, G_B, G_C, G_HOUR, G_MIN, G_SEC, G_AMPM,
	G_DASH, G_COLON, G_REST, N_GROUPS
};

/* Media markers, on the text without its marks. */
static const char attached_pattern[] =	/* iOS: <attached: NAME> */
    "^<[^<>:\\n]{1,40}:\\s*([^<>\\n]+?\\.[A-Za-z0-9]{1,5})\\s*>[ \\t]*"
    "(?:\\n|\\z)";
static const char file_pattern[] =	/* Android: NAME (file attached) */
    "^(\\S[^\\n]*?\\.[A-Za-z0-9]{1,5}) \\((?:file attached|"
    "Datei angeh\\xC3\\xA4ngt|archivo adjunto|fichier joint|"
    "arquivo anexado|file allegato|bestand bijgevoegd)\\)[ \\t]*(?:\\n|\\z)";
static const char omitted_pattern[] =	/* the files were left out */
    "^(?:<(Media omitted|Medien ausgeschlossen|Multimedia omitido|"
    "M\\xC3\\xA9dias omis|M\\xC3\\xADdia oculta|Media omessi|"
    "Media weggelaten)>|"
    "(?:([^\\n]*?\\.[A-Za-z0-9]{1,5})(?: \\xE2\\x80\\xA2 [^\\n]*?)?\\s+)?"
    "(image|video|audio|sticker|GIF|document|Contact card|Bild|Dokument|"
    "Kontaktkarte|imagen|documento|imagem|v\\xC3\\xADdeo|\\xC3\\xA1udio|"
    "figurinha) (?:omitted|weggelassen|omitid[oa]|ocultad[oa]))"
    "[ \\t]*(?:\\n|\\z)";

/* Complete messages held while the day/month order is open. */
#define QUEUE_MAX (64u << 20)
/* Messages with the same written time stamp: at most this many ms apart. */
#define SAME_STAMP_MAX 999

/* One message: as read, then with its time once the order is known. */
struct wamsg {
	long line;
	long date_col, time_col;
	int f[3];		/* the date's fields as written */
	int f0_len, f2_len;	/* digits of the first and last field */
	char date[24];		/* the date as written, for diagnostics */
	int clock[3];		/* hour, minute, second as written */
	int ampm;		/* 0, 'a' or 'p' */
	int bad;		/* already reported: dropped */
	int marked;		/* the text began with U+200E (iOS notices) */
	enum convo_role role;
	char *author;		/* NULL for a system line */
	struct buf text;
	uint64_t head_hash;	/* the time stamp and author, as written */
	int64_t ts;
};

struct wa {
	struct parser *p;
	pcre2_code *re_line, *re_attached, *re_file, *re_omitted;
	pcre2_match_data *md, *media_md;
	const PCRE2_SIZE *ov;	/* groups of the last line match */
	const PCRE2_SIZE *mov;	/* groups of the last media match */
	char shape[6];		/* of the first message line; [0] 0: none */
	enum convo_date_order order;	/* AUTO until a date decides */
	int fatal;		/* an error no --skip-bad can pass */

	struct wamsg cur;	/* the message being read */
	int pending;		/* cur holds a message */
	struct wamsg *queue;
	size_t n_queue, cap_queue, queue_bytes;

	/* The thread and its current piece. */
	char *id;		/* made from the first message handed on */
	char *piece_id;		/* a later piece's id, else NULL */
	int64_t last_ts;	/* the previous message handed on */
	int64_t prev_wall;	/* its time as written, for same stamps */
	int same;		/* messages before it with that stamp */
	int has_user, has_assistant;	/* the piece's CONV records out */
};

static pcre2_code *
compile(const char *pattern, uint32_t flags)
{
	PCRE2_SIZE off;
	int err;

	return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    flags, &err, &off, NULL);
}

static int
match(struct wa *w, pcre2_code *re, const char *s, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, w->md, NULL) > 0;
}

static int
is_set(const struct wa *w, int g)
{
	return w->ov[2 * g] != PCRE2_UNSET;
}

static int
glen(const struct wa *w, int g)
{
	return is_set(w, g) ? (int)(w->ov[2 * g + 1] - w->ov[2 * g]) : 0;
}

/* The number in group g (at most 4 digits), or 0 when it is unset. */
static int
num(const struct wa *w, const char *s, int g)
{
	PCRE2_SIZE i;
	int n = 0;

	if (!is_set(w, g))
		return 0;
	for (i = w->ov[2 * g]; i < w->ov[2 * g + 1]; i++)
		n = n * 10 + (s[i] - '0');
	return n;
}

/* The length of a mark or format character at s, else 0. */
static size_t
mark_len(const char *s, size_t n, int bidi)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n < 3 || u[0] != 0xE2 || u[1] != 0x80)
		return 0;
	if (u[2] == 0x8E || u[2] == 0x8F)
		return 3;
	return bidi && u[2] >= 0xAA && u[2] <= 0xAE ? 3 : 0;
}

/*
 * Appends s to b without U+200E and U+200F, and with bidi set also
 * without the embeddings U+202A to U+202E that iOS puts around phone
 * numbers.
 */
static int
add_unmarked(struct buf *b, const char *s, size_t n, int bidi)
{
	size_t i = 0, start = 0, m;
	int rc = 0;

	while (i < n && rc == 0) {
		if ((m = mark_len(s + i, n - i, bidi)) == 0) {
			i++;
			continue;
		}
		rc = buf_add(b, s + start, i - start);
		i += m;
		start = i;
	}
	return rc == 0 ? buf_add(b, s + start, n - start) : rc;
}

/*
 * Authors and roles.
 */

static int
named(const char *const *names, size_t n, const char *author)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcasecmp(names[i], author) == 0)
			return 1;
	return 0;
}

static enum convo_role
author_role(const struct wa *w, const char *author)
{
	const struct convo_import_options *o = w->p->opt;

	if (named(o->assistants, o->n_assistants, author))
		return CONVO_ROLE_ASSISTANT;
	if (named(o->agents, o->n_agents, author))
		return CONVO_ROLE_AGENT;
	return CONVO_ROLE_USER;
}

/*
 * The author of "Name: text" in rest, or none (a system line): *alen is
 * the author's length, *tstart where the text begins.
 */
static int
split_author(const char *rest, size_t n, size_t *alen, size_t *tstart)
{
	size_t i;

	for (i = 1; i < n && i <= 100; i++) {
		if (rest[i] == ':' && (i + 1 == n || rest[i + 1] == ' ')) {
			*alen = i;
			*tstart = i + 1 < n ? i + 2 : n;
			return 1;
		}
		if (rest[i] == ':')
			return 0;
	}
	return 0;
}

/* Whether s (n bytes) begins with a blank: space or U+00A0. */
static size_t
blank_len(const char *s, size_t n)
{
	if (n >= 1 && s[0] == ' ')
		return 1;
	return n >= 2 && memcmp(s, "\xC2\xA0", 2) == 0 ? 2 : 0;
}

/*
 * The author without marks and embeddings, blanks at either end, and the
 * "~ " that iOS puts before a name that is not in the contacts.  A name
 * that is nothing else stays as it is.
 */
static int
take_author(struct wamsg *m, const char *s, size_t n)
{
	struct buf b;
	size_t i, end, k;
	int rc;

	buf_init(&b, CONVO_MAX_RECORD);
	if ((rc = add_unmarked(&b, s, n, 1)) != 0 || b.len == 0) {
		buf_release(&b);
		if (rc == 0 && (m->author = calloc(1, 1)) == NULL)
			rc = CONVO_ENOMEM;
		return rc;
	}
	i = b.data[0] == '~';
	while ((k = blank_len(b.data + i, b.len - i)) != 0)
		i += k;
	for (end = b.len; end > i && b.data[end - 1] == ' '; end--)
		;
	if (end == i) {
		i = 0;
		end = b.len;
	}
	if ((m->author = malloc(end - i + 1)) != NULL) {
		memcpy(m->author, b.data + i, end - i);
		m->author[end - i] = '\0';
	}
	buf_release(&b);
	return m->author != NULL ? 0 : CONVO_ENOMEM;
}

/*
 * Media.
 */

/* The kind of a file by the words WhatsApp puts in its name, or its type. */
static const char *
type_of_file(const char *name)
{
	static const struct {
		const char *part, *type;
	} parts[] = {
		{ "PHOTO", "image" }, { "IMG-", "image" }, { "VIDEO", "video" },
		{ "VID-", "video" }, { "AUDIO", "audio" }, { "AUD-", "audio" },
		{ "PTT-", "audio" }, { "STICKER", "sticker" },
		{ "STK-", "sticker" }, { "GIF", "gif" }, { "CONTACT", "contact" },
		{ ".jpg", "image" }, { ".jpeg", "image" }, { ".png", "image" },
		{ ".heic", "image" }, { ".webp", "sticker" }, { ".mp4", "video" },
		{ ".mov", "video" }, { ".3gp", "video" }, { ".opus", "audio" },
		{ ".ogg", "audio" }, { ".m4a", "audio" }, { ".mp3", "audio" },
		{ ".aac", "audio" }, { ".vcf", "contact" }
	};
	size_t i, n = strlen(name), k;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		k = strlen(parts[i].part);
		if (parts[i].part[0] == '.' ? n > k &&
		    strcasecmp(name + n - k, parts[i].part) == 0 :
		    strstr(name, parts[i].part) != NULL)
			return parts[i].type;
	}
	return "document";
}

/* The kind named by an iOS "image omitted" marker, in any language. */
static const char *
type_of_word(const char *w, size_t n)
{
	static const struct {
		const char *word, *type;
	} words[] = {
		{ "image", "image" }, { "Bild", "image" }, { "imagen", "image" },
		{ "imagem", "image" }, { "video", "video" },
		{ "v\xC3\xAD" "deo", "video" }, { "audio", "audio" },
		{ "\xC3\xA1udio", "audio" }, { "sticker", "sticker" },
		{ "figurinha", "sticker" }, { "GIF", "gif" },
		{ "Contact card", "contact" }, { "Kontaktkarte", "contact" }
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n &&
		    strncasecmp(words[i].word, w, n) == 0)
			return words[i].type;
	return "document";
}

/* What a message's media marker says, and where its caption begins. */
struct media {
	const char *type;	/* NULL: no marker */
	struct buf name;
	size_t caption;		/* offset of the caption in the text */
};

static int
match_media(struct wa *w, pcre2_code *re, const struct buf *text)
{
	return pcre2_match(re, (PCRE2_SPTR)text->data, text->len, 0, 0,
	    w->media_md, NULL) > 0;
}

/* Copies group g of the last media match on s into the media's name. */
static int
media_name(struct wa *w, struct media *md, const char *s, int g)
{
	const PCRE2_SIZE *ov = w->mov;

	if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] == ov[2 * g])
		return 0;
	return buf_add(&md->name, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/*
 * Recognises the markers: iOS's "<attached: NAME>", Android's "NAME
 * (file attached)", and "<Media omitted>" or "image omitted" where the
 * export left the files out.  The rest of the text is the caption.
 */
static int
find_media(struct wa *w, struct media *md, const struct buf *text)
{
	const PCRE2_SIZE *ov = w->mov;
	const char *s = text->data;
	int rc = 0;

	md->type = NULL;
	if (text->len == 0)
		return 0;
	if (match_media(w, w->re_attached, text) ||
	    match_media(w, w->re_file, text)) {
		if ((rc = media_name(w, md, s, 1)) != 0)
			return rc;
		md->type = type_of_file(md->name.data ? md->name.data : "");
	} else if (match_media(w, w->re_omitted, text)) {
		md->type = ov[2] != PCRE2_UNSET ? "unknown" :
		    type_of_word(s + ov[6], ov[7] - ov[6]);
		rc = media_name(w, md, s, 2);
	} else
		return 0;
	md->caption = ov[1];
	return rc;
}

/*
 * Dates and times.
 */

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

/* A year as written: two digits are this century's. */
static int
full_year(int y, int digits)
{
	if (digits == 2)
		return 2000 + y;
	return digits == 4 ? y : -1;
}

/*
 * The date of m in the file's order (AUTO only when either order reads
 * the same); -1 when it is not a date.
 */
static int
take_date(const struct wa *w, const struct wamsg *m, int *y, int *mo,
    int *d)
{
	if (m->f0_len == 4 || w->order == CONVO_DATE_ORDER_YMD) {
		*y = full_year(m->f[0], m->f0_len);
		*mo = m->f[1];
		*d = m->f[2];
	} else {
		*y = full_year(m->f[2], m->f2_len);
		*d = m->f[w->order == CONVO_DATE_ORDER_MDY];
		*mo = m->f[w->order != CONVO_DATE_ORDER_MDY];
	}
	if (*y < 0 || *mo < 1 || *mo > 12 || *d < 1 ||
	    *d > days_in_month(*y, *mo))
		return -1;
	return 0;
}

/* Why a date is bad, when the order the file chose is the reason. */
static const char *
date_hint(const struct wa *w, const struct wamsg *m)
{
	if (m->f0_len == 4 || w->p->opt->date_order != CONVO_DATE_ORDER_AUTO)
		return "";
	if (w->order == CONVO_DATE_ORDER_DMY && m->f[0] <= 12 &&
	    m->f[1] > 12 && m->f[1] <= 31)
		return " (an earlier date of the file is day first)";
	if (w->order == CONVO_DATE_ORDER_MDY && m->f[1] <= 12 &&
	    m->f[0] > 12 && m->f[0] <= 31)
		return " (an earlier date of the file is month first)";
	return "";
}

/*
 * The time of m: its date and clock in local time, then 1 ms for each
 * message before it with the same written time stamp.
 */
static int
take_time(struct wa *w, struct wamsg *m)
{
	int y, mo, d, h = m->clock[0];
	int64_t wall;

	if (take_date(w, m, &y, &mo, &d) != 0)
		return parse_error(w->p, m->line, m->date_col, "bad date '%s'%s",
		    m->date, date_hint(w, m));
	if (m->ampm != 0)
		h = h % 12 + (m->ampm == 'p' ? 12 : 0);
	wall = convo_time_local(y, mo, d, h, m->clock[1], m->clock[2], 0);
	if (wall < CONVO_TIME_MIN || wall >= CONVO_TIME_MAX)
		return parse_error(w->p, m->line, m->date_col,
		    "time out of range (2000 to 2100)");
	w->same = wall == w->prev_wall ? w->same + 1 : 0;
	w->prev_wall = wall;
	m->ts = wall + (w->same < SAME_STAMP_MAX ? w->same : SAME_STAMP_MAX);
	return 0;
}

/*
 * Handing on records.
 */

/*
 * The thread's id: "wa-" and a hash of its first message line (the text
 * too, unless --redact keeps a user's words out of what is stored).
 */
static int
make_id(struct wa *w, const struct wamsg *m)
{
	uint64_t h = m->head_hash;
	struct buf b;
	int rc;

	if (!w->p->opt->redact || m->role == CONVO_ROLE_SYSTEM)
		h = hash64(h, m->text.data ? m->text.data : "", m->text.len);
	buf_init(&b, 64);
	rc = buf_printf(&b, "wa-%016" PRIx64, h);
	if (rc == 0 && (w->id = buf_detach(&b)) == NULL)
		rc = CONVO_ENOMEM;
	buf_release(&b);
	return rc;
}

/* Starts a piece of the thread at m when the gap before it says so. */
static int
place(struct wa *w, const struct wamsg *m)
{
	if (w->id == NULL)
		return make_id(w, m);
	if (!thread_cuts(w->p, w->last_ts, m->ts))
		return 0;
	free(w->piece_id);
	w->has_user = w->has_assistant = 0;
	return thread_piece_id(&w->piece_id, w->id, m->ts);
}

static const char *
conv_id(const struct wa *w)
{
	return w->piece_id != NULL ? w->piece_id : w->id;
}

/* The piece's first user and assistant name its user and assistant. */
static int
emit_names(struct wa *w, const struct wamsg *m)
{
	struct convo_rec rec;

	if (m->author == NULL || m->author[0] == '\0' ||
	    (!(m->role == CONVO_ROLE_USER && !w->has_user) &&
	    !(m->role == CONVO_ROLE_ASSISTANT && !w->has_assistant)))
		return 0;
	rec_init(&rec, CONVO_REC_CONV);
	rec.line = m->line;
	rec.conv_id = conv_id(w);
	rec.source = "whatsapp";
	rec.ts = m->ts;
	if (m->role == CONVO_ROLE_USER) {
		rec.conv.user = m->author;
		w->has_user = 1;
	} else {
		rec.conv.assistant = m->author;
		w->has_assistant = 1;
	}
	return parse_emit(w->p, &rec);
}

static int
emit_message(struct wa *w, struct wamsg *m, struct media *md)
{
	struct convo_rec rec;
	const char *text = m->text.data + md->caption;
	size_t len = m->text.len - md->caption;
	int rc;

	if ((rc = emit_names(w, m)) != 0)
		return rc;
	rec_init(&rec, CONVO_REC_MSG);
	rec.line = m->line;
	rec.conv_id = conv_id(w);
	rec.source = "whatsapp";
	rec.ts = rec.msg.ts = m->ts;
	rec.msg.role = m->role;
	rec.msg.text = len > 0 ? text : NULL;
	rec.msg.text_len = len;
	rec.msg.media_type = md->type;
	rec.msg.media_name = md->name.len > 0 ? md->name.data : NULL;
	return parse_emit(w->p, &rec);
}

/* A complete message whose date can be read: time it and hand it on. */
static int
hand_on(struct wa *w, struct wamsg *m)
{
	struct media md;
	int rc;

	if ((rc = take_time(w, m)) != 0)
		return rc;
	buf_init(&md.name, CONVO_MAX_RECORD);
	md.caption = 0;
	rc = find_media(w, &md, &m->text);
	if (rc == 0 && md.type == NULL && m->marked)
		m->role = CONVO_ROLE_SYSTEM;
	if (rc == 0)
		rc = place(w, m);
	if (rc == 0)
		rc = emit_message(w, m, &md);
	w->last_ts = m->ts;
	buf_release(&md.name);
	return rc;
}

/*
 * The queue of messages read before the day/month order is known.
 */

static void
msg_free(struct wamsg *m)
{
	free(m->author);
	m->author = NULL;
	buf_release(&m->text);
}

/* Hands on the queue in file order; with --skip-bad, past bad ones. */
static int
drain(struct wa *w)
{
	size_t i;
	int rc = 0, worst = 0;

	for (i = 0; i < w->n_queue; i++) {
		if (rc == 0 || (rc == CONVO_EDATA && w->p->skip_bad))
			rc = hand_on(w, &w->queue[i]);
		if (rc == CONVO_EDATA)
			worst = rc;
		msg_free(&w->queue[i]);
	}
	w->n_queue = w->queue_bytes = 0;
	return rc != 0 && rc != CONVO_EDATA ? rc : worst;
}

/* Moves the current message to the end of the queue. */
static int
enqueue(struct wa *w)
{
	struct wamsg *q;
	size_t cap;

	if (w->n_queue == w->cap_queue) {
		cap = w->cap_queue ? 2 * w->cap_queue : 64;
		if ((q = realloc(w->queue, cap * sizeof(*q))) == NULL)
			return CONVO_ENOMEM;
		w->queue = q;
		w->cap_queue = cap;
	}
	w->queue_bytes += sizeof(struct wamsg) + w->cur.text.cap +
	    (w->cur.author ? strlen(w->cur.author) : 0);
	w->queue[w->n_queue++] = w->cur;
	memset(&w->cur, 0, sizeof(w->cur));
	if (w->queue_bytes <= QUEUE_MAX)
		return 0;
	w->fatal = 1;
	return parse_error(w->p, w->queue[w->n_queue - 1].line, 0,
	    "no date in the first %u MiB tells the day from the month: "
	    "give --date-order", QUEUE_MAX >> 20);
}

/* The current message is complete: hand it on, hold it, or drop it. */
static int
finish_message(struct wa *w)
{
	struct buf *b = &w->cur.text;
	int rc;

	if (!w->pending)
		return 0;
	w->pending = 0;
	/* Trailing blank lines belong to the gap, not the message. */
	while (b->len > 0 && strchr(" \t\n", b->data[b->len - 1]) != NULL)
		b->data[--b->len] = '\0';
	if (w->cur.bad)
		rc = 0;
	else if (w->n_queue > 0 || (w->order == CONVO_DATE_ORDER_AUTO &&
	    w->cur.f0_len != 4))
		return enqueue(w);
	else
		rc = hand_on(w, &w->cur);
	msg_free(&w->cur);
	return rc;
}

/* The file ends: a queue left means no date told the order. */
static int
finish_queue(struct wa *w)
{
	size_t i;

	for (i = 0; i < w->n_queue; i++)
		if (w->queue[i].f[0] != w->queue[i].f[1])
			break;
	if (i == w->n_queue)	/* 01/01/26 and the like read the same */
		return drain(w);
	w->fatal = 1;
	return parse_error(w->p, w->queue[i].line, w->queue[i].date_col,
	    "cannot tell the day from the month in '%s': no date in the "
	    "file has a field above 12; give --date-order dmy or mdy",
	    w->queue[i].date);
}

/*
 * Message lines.
 */

/* What must be the same in every message line of a file. */
static void
line_shape(const struct wa *w, const char *l, char shape[6])
{
	shape[0] = is_set(w, G_BRACKET) ? '[' : is_set(w, G_DASH) ? '-' :
	    is_set(w, G_COLON) ? ':' : ' ';
	shape[1] = l[w->ov[2 * G_DSEP]];
	shape[2] = is_set(w, G_AMPM) ? 'a' : '0';
	shape[3] = is_set(w, G_SEC) ? 's' : '0';
	shape[4] = '\0';
}

/* Whether the line is a message line of the file's shape. */
static int
is_message_line(struct wa *w, const char *line, size_t len)
{
	char shape[6];

	if (!match(w, w->re_line, line, len))
		return 0;
	line_shape(w, line, shape);
	if (w->shape[0] == '\0')
		memcpy(w->shape, shape, sizeof(shape));
	return strcmp(shape, w->shape) == 0;
}

/* The date and clock of the line matched last, into the current message. */
static void
take_stamp(struct wa *w, const char *l, long lineno)
{
	struct wamsg *m = &w->cur;
	size_t n = w->ov[2 * G_C + 1] - w->ov[2 * G_A];

	m->line = lineno;
	m->date_col = (long)w->ov[2 * G_A] + 1;
	m->time_col = (long)w->ov[2 * G_HOUR] + 1;
	m->f[0] = num(w, l, G_A);
	m->f[1] = num(w, l, G_B);
	m->f[2] = num(w, l, G_C);
	m->f0_len = glen(w, G_A);
	m->f2_len = glen(w, G_C);
	n = n < sizeof(m->date) ? n : sizeof(m->date) - 1;
	memcpy(m->date, l + w->ov[2 * G_A], n);
	m->date[n] = '\0';
	m->clock[0] = num(w, l, G_HOUR);
	m->clock[1] = num(w, l, G_MIN);
	m->clock[2] = num(w, l, G_SEC);
	m->ampm = is_set(w, G_AMPM) ? (l[w->ov[2 * G_AMPM]] | 0x20) : 0;
}

/* A clock that is not one: "25:10", "0:30 AM". */
static int
bad_clock(const struct wamsg *m)
{
	if (m->ampm != 0 && (m->clock[0] < 1 || m->clock[0] > 12))
		return 1;
	return m->clock[0] > 23 || m->clock[1] > 59 || m->clock[2] > 59;
}

/* A first field above 12 makes the file day first, a second month first. */
static void
decide_order(struct wa *w)
{
	const struct wamsg *m = &w->cur;

	if (w->order != CONVO_DATE_ORDER_AUTO || m->f0_len == 4)
		return;
	if (m->f[0] > 12 && m->f[1] <= 12)
		w->order = CONVO_DATE_ORDER_DMY;
	else if (m->f[1] > 12 && m->f[0] <= 12)
		w->order = CONVO_DATE_ORDER_MDY;
}

/* The author and text of the line matched last. */
static int
take_body(struct wa *w, const char *l, size_t len)
{
	struct wamsg *m = &w->cur;
	const char *rest = l + w->ov[2 * G_REST];
	size_t n = len - w->ov[2 * G_REST], alen = 0, tstart = 0;
	int rc;

	if (split_author(rest, n, &alen, &tstart)) {
		if ((rc = take_author(m, rest, alen)) != 0)
			return rc;
		m->role = author_role(w, m->author);
		m->marked = mark_len(rest + tstart, n - tstart, 0) != 0;
	} else
		m->role = CONVO_ROLE_SYSTEM;
	m->head_hash = hash64(HASH64_INIT, l, w->ov[2 * G_REST] + alen);
	buf_init(&m->text, CONVO_MAX_RECORD);
	return add_unmarked(&m->text, rest + tstart, n - tstart, 0);
}

/* Begins the message of a message line. */
static int
start_message(struct wa *w, const char *l, size_t len, long lineno)
{
	int rc;

	memset(&w->cur, 0, sizeof(w->cur));
	w->pending = 1;
	take_stamp(w, l, lineno);
	if ((rc = take_body(w, l, len)) != 0) {
		w->cur.bad = 1;
		return rc == CONVO_EDATA ? parse_error(w->p, lineno, 0,
		    "message longer than 8 MiB") : rc;
	}
	if (bad_clock(&w->cur)) {
		w->cur.bad = 1;
		return parse_error(w->p, lineno, w->cur.time_col,
		    "bad time '%.*s'", (int)(w->ov[2 * G_MIN + 1] -
		    w->ov[2 * G_HOUR]) + (is_set(w, G_SEC) ? 3 : 0),
		    l + w->ov[2 * G_HOUR]);
	}
	if (w->order == CONVO_DATE_ORDER_AUTO) {
		decide_order(w);
		if (w->order != CONVO_DATE_ORDER_AUTO)
			return drain(w);
	}
	return 0;
}

/* A message line: the one before is complete, this one begins. */
static int
begin_message(struct wa *w, const char *l, size_t len, long lineno)
{
	int rc, prev;

	/* A bad message before this one does not stop this one beginning. */
	prev = finish_message(w);
	if (prev != 0 && (prev != CONVO_EDATA || !w->p->skip_bad || w->fatal))
		return prev;
	rc = start_message(w, l, len, lineno);
	return rc != 0 ? rc : prev;
}

/* A line that continues the message above. */
static int
continue_message(struct wa *w, const char *line, size_t len)
{
	struct buf *b = &w->cur.text;
	int rc;

	if (!w->pending || w->cur.bad)
		return 0;
	if ((rc = buf_addc(b, '\n')) == 0)
		rc = add_unmarked(b, line, len, 0);
	if (rc != CONVO_EDATA)
		return rc;
	w->cur.bad = 1;
	return parse_error(w->p, w->cur.line, 0, "message longer than 8 MiB");
}

static int
take_line(struct wa *w, const char *line, size_t len)
{
	long lineno = reader_lineno(w->p->rd);

	if (is_message_line(w, line, len))
		return begin_message(w, line, len, lineno);
	if (w->shape[0] != '\0')
		return continue_message(w, line, len);
	if (strspn(line, " \t") == len)
		return 0;
	return parse_error(w->p, lineno, 1, "expected a message line such "
	    "as '20/11/2026, 10:30 - Name: text'");
}

static int
read_lines(struct wa *w)
{
	const char *line, *why;
	size_t len;
	long col;
	int rc, worst = 0;

	for (;;) {
		if ((rc = reader_line(w->p->rd, &line, &len, &why, &col)) == 0)
			break;
		if (rc == 1)
			rc = take_line(w, line, len);
		else if (rc == CONVO_EDATA) {
			/* The bad line belongs to the message being read. */
			w->cur.bad = w->pending;
			parse_error(w->p, reader_lineno(w->p->rd), col, "%s",
			    why);
		}
		if (rc == CONVO_EDATA && w->p->skip_bad && !w->fatal)
			worst = rc;
		else if (rc != 0)
			return rc;
	}
	if ((rc = finish_message(w)) == 0 && w->n_queue > 0)
		rc = finish_queue(w);
	return rc != 0 ? rc : worst;
}

static int
wa_open(struct wa *w, struct parser *p)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->order = p->opt->date_order;
	w->last_ts = w->prev_wall = CONVO_TIME_NONE;
	w->re_line = compile(line_pattern, 0);
	w->re_attached = compile(attached_pattern, 0);
	w->re_file = compile(file_pattern, PCRE2_CASELESS);
	w->re_omitted = compile(omitted_pattern, PCRE2_CASELESS);
	w->md = pcre2_match_data_create(N_GROUPS, NULL);
	w->media_md = pcre2_match_data_create(4, NULL);
	if (w->md == NULL || w->media_md == NULL)
		return CONVO_ENOMEM;
	w->ov = pcre2_get_ovector_pointer(w->md);
	w->mov = pcre2_get_ovector_pointer(w->media_md);
	if (!w->re_line || !w->re_attached || !w->re_file || !w->re_omitted)
		return CONVO_EINTERNAL;
	return 0;
}

static void
wa_close(struct wa *w)
{
	size_t i;

	for (i = 0; i < w->n_queue; i++)
		msg_free(&w->queue[i]);
	free(w->queue);
	msg_free(&w->cur);
	pcre2_code_free(w->re_line);
	pcre2_code_free(w->re_attached);
	pcre2_code_free(w->re_file);
	pcre2_code_free(w->re_omitted);
	pcre2_match_data_free(w->md);
	pcre2_match_data_free(w->media_md);
	free(w->id);
	free(w->piece_id);
}

int
parse_whatsapp(struct parser *p)
{
	struct wa w;
	int rc;

	if ((rc = wa_open(&w, p)) == 0)
		rc = read_lines(&w);
	wa_close(&w);
	return rc;
}

/* Whether s holds ": " and U+200E: iOS's mark before its notices. */
static int
has_ios_mark(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 5 <= n; i++)
		if (memcmp(s + i, ": \xE2\x80\x8E", 5) == 0)
			return 1;
	return 0;
}

/*
 * A WhatsApp export begins with a message line, whose date has a year of
 * two or four digits and a day and month of which one is at most 12.  A
 * first line that a transcript would take ("[2026-11-20 10:30:15] User:
 * Hi", as Swedish iOS exports also look) counts only beside iOS's mark.
 */
int
parse_whatsapp_sniff(const char *head, size_t len)
{
	struct wa w;
	const char *nl = memchr(head, '\n', len);
	size_t n = nl ? (size_t)(nl - head) : len;
	int a, b, y, ok = 0;

	memset(&w, 0, sizeof(w));
	if (n > 0 && head[n - 1] == '\r')
		n--;
	w.re_line = compile(line_pattern, 0);
	w.md = pcre2_match_data_create(N_GROUPS, NULL);
	if (w.re_line && w.md) {
		w.ov = pcre2_get_ovector_pointer(w.md);
		ok = match(&w, w.re_line, head, n);
	}
	if (ok) {
		a = num(&w, head, G_A);
		b = num(&w, head, G_B);
		y = glen(&w, glen(&w, G_A) == 4 ? G_A : G_C);
		ok = (y == 2 || y == 4) && num(&w, head, G_MIN) < 60 &&
		    num(&w, head, G_HOUR) < 24 && (a <= 12 || b <= 12);
	}
	pcre2_code_free(w.re_line);
	pcre2_match_data_free(w.md);
	if (ok && parse_text_sniff(head, n) && !has_ios_mark(head, len))
		return 0;
	return ok;
}
