/*
 * rules.c: the derived signals.  A rules file lists PCRE2 patterns by
 * kind (rules/default.rules explains the syntax); they are compiled once
 * here and matched against message text to mark fallbacks, handover
 * requests and operator buttons, to find contact details for leads, and
 * to redact them.  Single search patterns (convo_pattern_new) are
 * compiled the same way.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "internal.h"

/*
 * The kinds, in the order that breaks ties when two contact patterns
 * match at the same place with the same length: an e-mail address or a
 * card number is more specific than a run of digits that looks like a
 * phone number.
 */
enum kind {
	KIND_EMAIL,
	KIND_CARD,
	KIND_PHONE,
	KIND_FALLBACK,
	KIND_HANDOVER,
	KIND_OPERATOR,
	N_KINDS
};

static const char *const kind_names[N_KINDS] = {
	"email", "card", "phone", "fallback", "handover", "operator"
};

/* What a redacted match of each contact kind becomes. */
static const char *const placeholders[] = { "[email]", "[card]", "[phone]" };

#define N_CONTACT_KINDS 3

/*
 * Patterns may be matched against text that is not valid UTF-8 (a JSON
 * string can decode to a lone surrogate): with PCRE2_MATCH_INVALID_UTF
 * the bad bytes just never match, where plain PCRE2_UTF would refuse the
 * whole text, and redaction would then miss what it should hide.  \C
 * (one byte, even inside a character) is refused: a match could end in
 * the middle of a character, and redaction would leave half of it.
 */
#ifdef PCRE2_MATCH_INVALID_UTF
#define COMPILE_OPTIONS (PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | \
	PCRE2_NEVER_BACKSLASH_C)
#else
#define COMPILE_OPTIONS (PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C)
#endif

struct patterns {
	pcre2_code **code;	/* compiled patterns, alternatives */
	size_t n;
};

struct convo_rules {
	struct patterns kinds[N_KINDS];
	/* Shared by every match; the rules are used from one thread. */
	pcre2_match_data *md;
};

/* A match of one contact kind. */
struct hit {
	size_t start, end;	/* byte offsets; end == SIZE_MAX: none */
	int kind;
};

/* Where parsing the rules text reports to. */
struct loader {
	const char *name;
	convo_diag_fn diag;
	void *diag_ctx;
	int errors;
};

static void
report(struct loader *ld, long line, long col, const char *message)
{
	struct convo_diag d;

	ld->errors++;
	if (ld->diag == NULL)
		return;
	d.file = ld->name;
	d.line = line;
	d.col = col;
	d.severity = CONVO_SEV_ERROR;
	d.message = message;
	ld->diag(ld->diag_ctx, &d);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int
kind_from_name(const char *s, size_t n)
{
	int k;

	for (k = 0; k < N_KINDS; k++)
		if (strlen(kind_names[k]) == n &&
		    memcmp(kind_names[k], s, n) == 0)
			return k;
	return -1;
}

static int
add_pattern(struct patterns *p, pcre2_code *code)
{
	pcre2_code **grown;

	grown = realloc(p->code, (p->n + 1) * sizeof(*p->code));
	if (grown == NULL)
		return CONVO_ENOMEM;
	p->code = grown;
	p->code[p->n++] = code;
	return 0;
}

/*
 * Compiles one pattern that starts at column col of its line.  A bad
 * pattern is reported with PCRE2's message at the column where PCRE2
 * stopped; that is not an error of this function.
 */
static int
compile(struct convo_rules *r, struct loader *ld, int kind, const char *pat,
    size_t len, long line, long col)
{
	PCRE2_UCHAR message[256];
	PCRE2_SIZE offset;
	pcre2_code *code;
	int err;

	code = pcre2_compile((PCRE2_SPTR)pat, len, COMPILE_OPTIONS, &err,
	    &offset, NULL);
	if (code == NULL) {
		if (err == PCRE2_ERROR_NOMEMORY)
			return CONVO_ENOMEM;
		pcre2_get_error_message(err, message, sizeof(message));
		report(ld, line, col + (long)offset, (const char *)message);
		return 0;
	}
	/* JIT is only faster; without it (or when it fails) matching works. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (add_pattern(&r->kinds[kind], code) != 0) {
		pcre2_code_free(code);
		return CONVO_ENOMEM;
	}
	return 0;
}

/* Reports an unknown kind, quoting at most 40 bytes of it. */
static void
unknown_kind(struct loader *ld, const char *s, size_t n, long line, long col)
{
	char message[80];
	size_t show = n;

	if (show > 40) {
		show = 40;
		/* Cut at a character boundary, not inside a UTF-8 sequence. */
		while (show > 0 && ((unsigned char)s[show] & 0xc0) == 0x80)
			show--;
	}
	snprintf(message, sizeof(message), "unknown rule kind '%.*s%s'",
	    (int)show, s, show < n ? "..." : "");
	report(ld, line, col, message);
}

/* Parses one line: blank, a comment, or "KIND PATTERN". */
static int
parse_line(struct convo_rules *r, struct loader *ld, const char *s,
    size_t len, long line)
{
	size_t i = 0, word, word_end, end;
	int kind;

	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	word = i;
	while (i < len && !is_blank(s[i]))
		i++;
	if ((kind = kind_from_name(s + word, i - word)) < 0) {
		unknown_kind(ld, s + word, i - word, line, (long)word + 1);
		return 0;
	}
	word_end = i;
	while (i < len && is_blank(s[i]))
		i++;
	/* Trailing blanks are invisible, so they are not part of a pattern. */
	end = len;
	while (end > i && is_blank(s[end - 1]))
		end--;
	if (i == end) {
		report(ld, line, (long)word_end + 1, "missing pattern");
		return 0;
	}
	return compile(r, ld, kind, s + i, end - i, line, (long)i + 1);
}

/*
 * One match data block sized for the pattern with the most capture
 * groups, so that every ovector holds the whole match.
 */
static int
make_match_data(struct convo_rules *r)
{
	uint32_t n, most = 0;
	size_t i;
	int k;

	for (k = 0; k < N_KINDS; k++)
		for (i = 0; i < r->kinds[k].n; i++)
			if (pcre2_pattern_info(r->kinds[k].code[i],
			    PCRE2_INFO_CAPTURECOUNT, &n) == 0 && n > most)
				most = n;
	r->md = pcre2_match_data_create(most + 1, NULL);
	return r->md == NULL ? CONVO_ENOMEM : 0;
}

int
convo_rules_new(struct convo_rules **out, const char *text, size_t len,
    const char *name, convo_diag_fn diag, void *diag_ctx)
{
	struct loader ld = { name, diag, diag_ctx, 0 };
	struct convo_rules *r;
	const char *p, *end, *nl;
	long line = 0;
	int rc = 0;

	*out = NULL;
	if (text == NULL)
		text = "";
	p = text;
	end = text + len;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CONVO_ENOMEM;
	/* Every line is checked, so that all mistakes are reported at once. */
	while (rc == 0 && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		rc = parse_line(r, &ld, p, (size_t)(nl - p), ++line);
		p = nl + 1;
	}
	if (rc == 0 && ld.errors > 0)
		rc = CONVO_EDATA;
	if (rc == 0)
		rc = make_match_data(r);
	if (rc != 0) {
		convo_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void
convo_rules_free(struct convo_rules *r)
{
	size_t i;
	int k;

	if (r == NULL)
		return;
	for (k = 0; k < N_KINDS; k++) {
		for (i = 0; i < r->kinds[k].n; i++)
			pcre2_code_free(r->kinds[k].code[i]);
		free(r->kinds[k].code);
	}
	pcre2_match_data_free(r->md);
	free(r);
}

/*
 * The first non-empty match of code in text at or after from.  Empty
 * matches are stepped over one character at a time: they mark nothing,
 * and replacing them would insert placeholders between letters.  Match
 * errors (a UTF error, the backtracking limit) count as no match.
 */
static int
find(size_t *start, size_t *end, const struct convo_rules *r,
    const pcre2_code *code, const char *text, size_t len, size_t from)
{
	PCRE2_SIZE *ov;

	while (from <= len) {
		if (pcre2_match(code, (PCRE2_SPTR)text, len, from, 0, r->md,
		    NULL) < 0)
			return 0;
		ov = pcre2_get_ovector_pointer(r->md);
		/* \K in a lookahead can put the start after the end. */
		if (ov[1] > ov[0]) {
			*start = ov[0];
			*end = ov[1];
			return 1;
		}
		from = ov[0] > from ? ov[0] + 1 : from + 1;
		while (from < len && ((unsigned char)text[from] & 0xc0) == 0x80)
			from++;
	}
	return 0;
}

/* Whether any pattern of kind matches text. */
static int
matches(const struct convo_rules *r, int kind, const char *text, size_t len)
{
	const struct patterns *p = &r->kinds[kind];
	size_t i, start, end;

	if (text == NULL)
		text = "";
	for (i = 0; i < p->n; i++)
		if (find(&start, &end, r, p->code[i], text, len, 0))
			return 1;
	return 0;
}

int
rules_is_fallback(const struct convo_rules *r, const char *text, size_t len)
{
	return matches(r, KIND_FALLBACK, text, len);
}

int
rules_is_handover(const struct convo_rules *r, const char *text, size_t len)
{
	return matches(r, KIND_HANDOVER, text, len);
}

int
rules_is_operator(const struct convo_rules *r, const char *text, size_t len)
{
	return matches(r, KIND_OPERATOR, text, len);
}

/*
 * The handover that a user message asks for, as the import derives it
 * when the export states none: a click titled or sending words of the
 * operator rules, or typed words of the handover rules.  A stated
 * handover is returned as it is; other roles ask for none.
 */
enum convo_handover
rules_handover_of(const struct convo_rules *r,
    const struct convo_msg_fields *m)
{
	if (m->handover != CONVO_HANDOVER_NONE || m->role != CONVO_ROLE_USER ||
	    r == NULL)
		return m->role == CONVO_ROLE_USER ? m->handover :
		    CONVO_HANDOVER_NONE;
	if ((m->click_title != NULL && rules_is_operator(r, m->click_title,
	    strlen(m->click_title))) || (m->click_target != NULL &&
	    rules_is_operator(r, m->click_target, strlen(m->click_target))))
		return CONVO_HANDOVER_OPERATOR_BUTTON;
	if (m->click_type == NULL && m->text != NULL &&
	    rules_is_handover(r, m->text, m->text_len))
		return CONVO_HANDOVER_DIRECT;
	return CONVO_HANDOVER_NONE;
}

/* Whether the match start..end of kind wins over b. */
static int
better(size_t start, size_t end, int kind, const struct hit *b)
{
	if (b->end == SIZE_MAX || start != b->start)
		return b->end == SIZE_MAX || start < b->start;
	if (end - start != b->end - b->start)
		return end - start > b->end - b->start;
	return kind < b->kind;
}

/*
 * The next contact (e-mail, card or phone) at or after pos: the match
 * that starts first, then the longest, then by kind.  Contact matches
 * never overlap, so a card number is not also read as a phone number.
 * Each pattern's next match is cached in next[], since it stays valid
 * until pos passes its start; that keeps a long text linear.
 */
static void
next_contact(struct hit *best, struct hit *next, const struct convo_rules *r,
    const char *text, size_t len, size_t pos)
{
	const struct patterns *p;
	struct hit *h;
	size_t i;
	int k;

	best->end = SIZE_MAX;
	for (k = 0; k < N_CONTACT_KINDS; k++) {
		p = &r->kinds[k];
		for (i = 0; i < p->n; i++, next++) {
			h = next;
			if (h->end != SIZE_MAX && h->start < pos &&
			    !find(&h->start, &h->end, r, p->code[i], text, len,
			    pos))
				h->end = SIZE_MAX;
			if (h->end != SIZE_MAX &&
			    better(h->start, h->end, k, best)) {
				*best = *h;
				best->kind = k;
			}
		}
	}
}

/* The cache for next_contact(): each contact pattern's first match. */
static struct hit *
contact_cache(const struct convo_rules *r, const char *text, size_t len)
{
	struct hit *next;
	size_t n = 0, i, j = 0;
	int k;

	for (k = 0; k < N_CONTACT_KINDS; k++)
		n += r->kinds[k].n;
	if ((next = calloc(n + 1, sizeof(*next))) == NULL)
		return NULL;
	for (k = 0; k < N_CONTACT_KINDS; k++)
		for (i = 0; i < r->kinds[k].n; i++, j++)
			if (!find(&next[j].start, &next[j].end, r,
			    r->kinds[k].code[i], text, len, 0))
				next[j].end = SIZE_MAX;
	return next;
}

char *
convo_rules_redact(const struct convo_rules *r, const char *text, size_t len)
{
	struct hit *next, hit;
	struct buf out;
	size_t pos = 0;
	int rc = 0;

	if (text == NULL)
		text = "";
	if ((next = contact_cache(r, text, len)) == NULL)
		return NULL;
	buf_init(&out, SIZE_MAX / 2);
	for (;;) {
		next_contact(&hit, next, r, text, len, pos);
		if (hit.end == SIZE_MAX)
			break;
		if ((rc = buf_add(&out, text + pos, hit.start - pos)) != 0 ||
		    (rc = buf_adds(&out, placeholders[hit.kind])) != 0)
			break;
		pos = hit.end;
	}
	if (rc == 0)
		rc = buf_add(&out, text + pos, len - pos);
	free(next);
	if (rc != 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out);
}

static char *
copy(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Keeps the first match of its kind, as a copy. */
static int
keep(char **slot, const char *text, const struct hit *hit)
{
	if (*slot != NULL)
		return 0;
	*slot = copy(text + hit->start, hit->end - hit->start);
	return *slot == NULL ? CONVO_ENOMEM : 0;
}

int
rules_find_contacts(char **email, char **phone, const struct convo_rules *r,
    const char *text, size_t len)
{
	struct hit *next, hit;
	size_t pos = 0;
	int rc = 0;

	*email = *phone = NULL;
	if (text == NULL)
		text = "";
	if ((next = contact_cache(r, text, len)) == NULL)
		return CONVO_ENOMEM;
	while (rc == 0 && (*email == NULL || *phone == NULL)) {
		next_contact(&hit, next, r, text, len, pos);
		if (hit.end == SIZE_MAX)
			break;
		if (hit.kind == KIND_EMAIL)
			rc = keep(email, text, &hit);
		else if (hit.kind == KIND_PHONE)
			rc = keep(phone, text, &hit);
		pos = hit.end;
	}
	free(next);
	if (rc != 0) {
		free(*email);
		free(*phone);
		*email = *phone = NULL;
	}
	return rc;
}

/*
 * Patterns: one PCRE2 pattern compiled once and matched against many
 * texts, for searches such as convo-list --text.
 */
struct convo_pattern {
	pcre2_code *code;
	pcre2_match_data *md;	/* one block, reused by every match */
};

int
convo_pattern_new(struct convo_pattern **out, char *err, size_t errlen,
    const char *pattern)
{
	PCRE2_UCHAR message[256];
	PCRE2_SIZE offset;
	struct convo_pattern *p;
	int code;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CONVO_ENOMEM;
	p->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    COMPILE_OPTIONS, &code, &offset, NULL);
	if (p->code == NULL) {
		free(p);
		if (code == PCRE2_ERROR_NOMEMORY)
			return CONVO_ENOMEM;
		pcre2_get_error_message(code, message, sizeof(message));
		snprintf(err, errlen, "%s at column %lu", (const char *)message,
		    (unsigned long)offset + 1);
		return CONVO_EUSAGE;
	}
	(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	if ((p->md = pcre2_match_data_create_from_pattern(p->code,
	    NULL)) == NULL) {
		convo_pattern_free(p);
		return CONVO_ENOMEM;
	}
	*out = p;
	return 0;
}

int
convo_pattern_match(const struct convo_pattern *p, const char *text,
    size_t len)
{
	if (text == NULL)
		return 0;
	/* Match errors (a UTF error, the backtracking limit) are no match. */
	return pcre2_match(p->code, (PCRE2_SPTR)text, len, 0, 0, p->md,
	    NULL) >= 0;
}

void
convo_pattern_free(struct convo_pattern *p)
{
	if (p == NULL)
		return;
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->code);
	free(p);
}
