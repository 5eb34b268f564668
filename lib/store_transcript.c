/*
 * store_transcript.c: reading whole conversations for convo-transcript:
 * which conversations an id, a user or --last selects, and one
 * conversation with its messages, leads and variables, each read by one
 * statement with bound parameters inside one read transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* An id may name conversations in several sources: all of them. */
static const char sql_find_id[] =
	"SELECT id FROM conversation WHERE ext_id = ?1"
	" ORDER BY started_at, id";

static const char sql_find_user[] =
	"SELECT c.id FROM conversation c JOIN user u ON u.id = c.user_id"
	" WHERE u.token = ?1 AND u.anonymous = 0"
	" ORDER BY c.started_at, c.id";

/* The n latest by activity, as convo-list orders them; shown by start. */
static const char sql_find_last[] =
	"SELECT id FROM (SELECT id, started_at FROM conversation"
	"  ORDER BY last_activity_at DESC, started_at DESC, id DESC"
	"  LIMIT ?2)"
	" ORDER BY started_at, id";

static const char sql_conv[] =
	"SELECT c.ext_id, nullif(c.source, ''),"
	" CASE WHEN u.anonymous THEN NULL ELSE u.token END,"
	" c.assistant, c.device, c.browser, c.country, c.region, c.city,"
	" c.status, c.end_reason, c.started_at, c.ended_at, c.csat,"
	" c.n_user + c.n_assistant + c.n_agent"
	" FROM conversation c JOIN user u ON u.id = c.user_id"
	" WHERE c.id = ?1";

static const char sql_messages[] =
	"SELECT ts, role, text, click_type, click_title, click_target,"
	" media_type, media_name, media_url, agent, intent, confidence,"
	" feedback, handover, fallback"
	" FROM message WHERE conversation_id = ?1 ORDER BY ts, id";

/*
 * Derived leads before stated ones of the same time, as a file of
 * conversation documents stores them (messages first): rows are numbered
 * in the order a format hands them on, and the JSON rendering, which
 * leaves the derived out, must import again to the same transcript.
 */
static const char sql_leads[] =
	"SELECT created_at, name, email, phone, derived"
	" FROM lead WHERE conversation_id = ?1"
	" ORDER BY created_at, derived DESC, id";

static const char sql_vars[] =
	"SELECT name, value, source FROM variable WHERE conversation_id = ?1"
	" ORDER BY name";

/* The strings of a transcript: each one block in a list. */
struct string {
	struct string *next;
	char text[];
};

/*
 * Copies column i of s into t's strings, a stored NUL made U+FFFD so
 * that nothing after it is lost.  Sets *out to NULL for SQL NULL.
 */
static int
column(const char **out, struct convo_transcript *t, sqlite3_stmt *s, int i)
{
	const unsigned char *p;
	struct string *str;
	size_t n, k, nul = 0;
	char *o;

	*out = NULL;
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return 0;
	if ((p = sqlite3_column_text(s, i)) == NULL)
		return CONVO_ENOMEM;
	n = (size_t)sqlite3_column_bytes(s, i);
	for (k = 0; k < n; k++)
		nul += p[k] == '\0';
	if ((str = malloc(sizeof(*str) + n + 2 * nul + 1)) == NULL)
		return CONVO_ENOMEM;
	for (k = 0, o = str->text; k < n; k++) {
		if (p[k] != '\0') {
			*o++ = (char)p[k];
			continue;
		}
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
	}
	*o = '\0';
	str->next = t->strings;
	t->strings = str;
	*out = str->text;
	return 0;
}

/* Grows *arr of *n elements of size sz by one zeroed element. */
static void *
grow(void *arr, size_t *n, size_t *cap, size_t sz)
{
	void *p = arr;
	size_t c;

	if (*n == *cap) {
		c = *cap ? *cap * 2 : 16;
		if ((p = realloc(arr, c * sz)) == NULL)
			return NULL;
		*cap = c;
	}
	memset((char *)p + *n * sz, 0, sz);
	(*n)++;
	return p;
}

static int
read_conv(struct convo_transcript *t, sqlite3_stmt *s)
{
	const char **str[] = { &t->id, &t->source, &t->user, &t->assistant,
	    &t->device, &t->browser, &t->country, &t->region, &t->city,
	    &t->status, &t->end_reason };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if ((rc = column(str[i], t, s, (int)i)) != 0)
			return rc;
	t->started_at = sqlite3_column_int64(s, 11);
	t->ended_at = sqlite3_column_type(s, 12) == SQLITE_NULL ?
	    CONVO_TIME_NONE : sqlite3_column_int64(s, 12);
	t->csat = sqlite3_column_int(s, 13);
	t->n_messages = (long)sqlite3_column_int64(s, 14);
	if (t->id == NULL || t->status == NULL)
		return CONVO_EINTERNAL;
	return 0;
}

static int
read_message(struct convo_transcript *t, sqlite3_stmt *s, size_t *cap)
{
	struct convo_transcript_msg *m;
	void *p;
	int rc;

	if ((p = grow(t->messages, &t->n_all, cap, sizeof(*m))) == NULL)
		return CONVO_ENOMEM;
	t->messages = p;
	m = &t->messages[t->n_all - 1];
	m->ts = sqlite3_column_int64(s, 0);
	if ((rc = column(&m->role, t, s, 1)) != 0 ||
	    (rc = column(&m->text, t, s, 2)) != 0 ||
	    (rc = column(&m->click_type, t, s, 3)) != 0 ||
	    (rc = column(&m->click_title, t, s, 4)) != 0 ||
	    (rc = column(&m->click_target, t, s, 5)) != 0 ||
	    (rc = column(&m->media_type, t, s, 6)) != 0 ||
	    (rc = column(&m->media_name, t, s, 7)) != 0 ||
	    (rc = column(&m->media_url, t, s, 8)) != 0 ||
	    (rc = column(&m->agent, t, s, 9)) != 0 ||
	    (rc = column(&m->intent, t, s, 10)) != 0 ||
	    (rc = column(&m->feedback, t, s, 12)) != 0 ||
	    (rc = column(&m->handover, t, s, 13)) != 0)
		return rc;
	m->has_confidence = sqlite3_column_type(s, 11) != SQLITE_NULL;
	m->confidence = sqlite3_column_double(s, 11);
	m->fallback = sqlite3_column_int(s, 14) != 0;
	return m->role == NULL ? CONVO_EINTERNAL : 0;
}

static int
read_lead(struct convo_transcript *t, sqlite3_stmt *s, size_t *cap)
{
	struct convo_transcript_lead *l;
	void *p;
	int rc;

	if ((p = grow(t->leads, &t->n_leads, cap, sizeof(*l))) == NULL)
		return CONVO_ENOMEM;
	t->leads = p;
	l = &t->leads[t->n_leads - 1];
	l->created_at = sqlite3_column_int64(s, 0);
	l->derived = sqlite3_column_int(s, 4) != 0;
	if ((rc = column(&l->name, t, s, 1)) != 0 ||
	    (rc = column(&l->email, t, s, 2)) != 0)
		return rc;
	return column(&l->phone, t, s, 3);
}

static int
read_var(struct convo_transcript *t, sqlite3_stmt *s, size_t *cap)
{
	struct convo_transcript_var *v;
	void *p;
	int rc;

	if ((p = grow(t->vars, &t->n_vars, cap, sizeof(*v))) == NULL)
		return CONVO_ENOMEM;
	t->vars = p;
	v = &t->vars[t->n_vars - 1];
	if ((rc = column(&v->name, t, s, 0)) != 0 ||
	    (rc = column(&v->value, t, s, 1)) != 0)
		return rc;
	return column(&v->source, t, s, 2);
}

typedef int (*row_fn)(struct convo_transcript *, sqlite3_stmt *, size_t *);

/*
 * Runs sql for key, handing each row to fn.  Returns 0, CONVO_ENOTFOUND
 * when need is set and there was no row, or an error.
 */
static int
each(struct convo_store *st, struct convo_transcript *t, const char *sql,
    int64_t key, row_fn fn, int need)
{
	sqlite3_stmt *s;
	size_t cap = 0, rows = 0;
	int rc;

	if ((rc = store_prepare(st, &s, sql)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, key);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows++;
		if ((rc = fn(t, s, &cap)) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return need && rows == 0 ? CONVO_ENOTFOUND : 0;
	return rc < 0 ? rc : store_fail(st, rc, "cannot read a conversation");
}

/* The conversation row is one row: read_conv with the row_fn shape. */
static int
conv_row(struct convo_transcript *t, sqlite3_stmt *s, size_t *cap)
{
	(void)cap;
	return read_conv(t, s);
}

int
convo_transcript_load(struct convo_transcript **out, struct convo_store *st,
    int64_t key)
{
	struct convo_transcript *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return CONVO_ENOMEM;
	/* One read transaction: an import meanwhile shows whole or not. */
	if ((rc = store_exec(st, "BEGIN")) != 0) {
		free(t);
		return rc;
	}
	if ((rc = each(st, t, sql_conv, key, conv_row, 1)) == 0 &&
	    (rc = each(st, t, sql_messages, key, read_message, 0)) == 0 &&
	    (rc = each(st, t, sql_leads, key, read_lead, 0)) == 0)
		rc = each(st, t, sql_vars, key, read_var, 0);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0) {
		convo_transcript_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
convo_transcript_free(struct convo_transcript *t)
{
	struct string *s, *next;

	if (t == NULL)
		return;
	for (s = t->strings; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	free(t->messages);
	free(t->leads);
	free(t->vars);
	free(t);
}

int
convo_transcript_find(int64_t **keys, size_t *n_keys, struct convo_store *st,
    enum convo_transcript_by by, const char *what, long n)
{
	const char *sql = by == CONVO_TRANSCRIPT_ID ? sql_find_id :
	    by == CONVO_TRANSCRIPT_USER ? sql_find_user : sql_find_last;
	size_t start = *n_keys, cap = *n_keys;
	sqlite3_stmt *s;
	int64_t *p;
	int rc;

	if ((rc = store_prepare(st, &s, sql)) != 0)
		return rc;
	if (by != CONVO_TRANSCRIPT_LAST)
		store_bind_text(s, 1, what);
	else
		sqlite3_bind_int64(s, 2, n);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((p = grow(*keys, n_keys, &cap, sizeof(**keys))) == NULL) {
			rc = CONVO_ENOMEM;
			break;
		}
		*keys = p;
		(*keys)[*n_keys - 1] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		*n_keys = start;
		return rc < 0 ? rc : store_fail(st, rc,
		    "cannot find conversations");
	}
	return *n_keys == start ? CONVO_ENOTFOUND : 0;
}
