/*
 * fuzz_rules.c: libFuzzer harness for the rules-file parser and the
 * matchers (lib/rules.c).  The input is a rules text up to the first NUL
 * byte, then message texts separated by NUL bytes; without a NUL the
 * whole input is both the rules and the one message.  The rules are
 * compiled, with each diagnostic checked; when they compile, every
 * message goes through every matcher and through redaction under them,
 * and always under the default rules.  Redaction must keep valid UTF-8
 * valid, and can only replace non-empty stretches with placeholders.
 * The rules text is also compiled as one search pattern (convo-list
 * --text), which is matched against every message.
 */
#include "convo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* At most this many messages per input, so that one run stays short. */
#define MAX_MESSAGES 16

/* Whether s[0..len-1] is well-formed UTF-8 (RFC 3629). */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	return utf8_check((const char *)s, len) == 0;
}

/* The rules text being compiled, for checking diagnostics against. */
struct rules_text {
	const char *text;
	size_t len;
	int valid;		/* the text is valid UTF-8 */
	int n_diags;
};

/* The length of line number line (1-based) of the text, or -1. */
static long
line_length(const struct rules_text *rt, long line)
{
	const char *p = rt->text, *end = rt->text + rt->len, *nl;
	long n = 1;

	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (n == line)
			return (long)(nl - p);
		if (nl == end)
			return -1;
		p = nl + 1;
		n++;
	}
}

/*
 * A diagnostic names the file, a line of the text and a column on it or
 * just past its end, and says something readable.
 */
static void
check_diag(void *ctx, const struct convo_diag *d)
{
	struct rules_text *rt = ctx;
	long len;

	rt->n_diags++;
	if (d->file == NULL || strcmp(d->file, "fuzz.rules") != 0)
		abort();
	if (d->severity != CONVO_SEV_ERROR)
		abort();
	if (d->message == NULL || *d->message == '\0')
		abort();
	if (rt->valid && !utf8_valid((const unsigned char *)d->message,
	    strlen(d->message)))
		abort();
	if (d->line < 1 || (len = line_length(rt, d->line)) < 0)
		abort();
	if (d->col < 1 || d->col > len + 1)
		abort();
}

/* The search pattern compiled from the rules text, or NULL. */
static struct convo_pattern *search;

/*
 * Compiles the rules text (NUL-terminated) as a search pattern into
 * search.  A bad one is said to be bad at a column of it.
 */
static void
compile_search(const char *text, size_t len)
{
	char err[256];
	const char *at;
	unsigned long col;
	size_t n;

	memset(err, 'x', sizeof(err));
	if (convo_pattern_new(&search, err, sizeof(err), text) == 0) {
		if (search == NULL)
			abort();
		return;
	}
	n = strnlen(err, sizeof(err));
	if (search != NULL || n == 0 || n == sizeof(err))
		abort();
	if ((at = strstr(err, " at column ")) == NULL ||
	    sscanf(at, " at column %lu", &col) != 1 || col < 1 ||
	    col > len + 1)
		abort();
}

/* How many times a placeholder occurs in s. */
static size_t
placeholders(const char *s)
{
	static const char *const names[] = { "[email]", "[card]", "[phone]" };
	const char *p;
	size_t i, n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (p = s; (p = strstr(p, names[i])) != NULL; p++)
			n++;
	return n;
}

/* Whether s (n bytes) occurs in text (len bytes). */
static int
contains(const char *text, size_t len, const char *s, size_t n)
{
	size_t i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(text + i, s, n) == 0)
			return 1;
	return 0;
}

/* A contact found must be a non-empty piece of the text. */
static void
check_contact(const char *found, const char *text, size_t len, int valid)
{
	size_t n;

	if (found == NULL)
		return;
	n = strlen(found);
	if (n == 0 || !contains(text, len, found, n))
		abort();
	if (valid && !utf8_valid((const unsigned char *)found, n))
		abort();
}

/* Runs every matcher of r over text (len bytes, no NUL). */
static void
match(const struct convo_rules *r, const char *text, size_t len)
{
	char *email, *phone, *red;
	size_t n;
	int valid;

	valid = utf8_valid((const unsigned char *)text, len);
	if (search != NULL)
		(void)convo_pattern_match(search, text, len);
	(void)rules_is_fallback(r, text, len);
	(void)rules_is_handover(r, text, len);
	(void)rules_is_operator(r, text, len);
	if (rules_find_contacts(&email, &phone, r, text, len) != 0)
		abort();
	check_contact(email, text, len, valid);
	check_contact(phone, text, len, valid);
	free(email);
	free(phone);

	if ((red = convo_rules_redact(r, text, len)) == NULL)
		abort();
	n = strlen(red);
	/*
	 * Each match is replaced by a placeholder of at most 7 bytes, and
	 * covers at least one byte: at most 6 bytes more per placeholder.
	 */
	if (n > len + 6 * placeholders(red))
		abort();
	if (valid && !utf8_valid((const unsigned char *)red, n))
		abort();
	/* Nothing found: nothing is changed. */
	if (n == len && memcmp(red, text, len) != 0 &&
	    placeholders(red) == 0)
		abort();
	free(red);
}

static void
match_all(const struct convo_rules *r, const char *msgs, size_t size,
    const char *whole, size_t whole_len)
{
	const char *p = msgs, *end, *nul;
	int n = 0;

	if (msgs == NULL) {
		match(r, whole, whole_len);
		return;
	}
	end = msgs + size;
	for (;;) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			nul = end;
		match(r, p, (size_t)(nul - p));
		if (nul == end || ++n == MAX_MESSAGES)
			break;
		p = nul + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct convo_rules *defaults;
	struct convo_rules *r;
	struct rules_text rt;
	const char *text = (const char *)data, *msgs = NULL, *nul;
	char *copy;
	size_t rules_len = size, msgs_len = 0;
	int rc;

	if (defaults == NULL) {
		const char *d = convo_rules_default_text();

		if (convo_rules_new(&defaults, d, strlen(d), "default", NULL,
		    NULL) != 0)
			abort();
	}
	if ((nul = memchr(text, '\0', size)) != NULL) {
		rules_len = (size_t)(nul - text);
		msgs = nul + 1;
		msgs_len = size - rules_len - 1;
	}
	/* Without a NUL, the message is the whole input: copy it to end it. */
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';

	/* The copy ends at the first NUL: the rules text as a C string. */
	compile_search(copy, rules_len);
	rt.text = copy;
	rt.len = rules_len;
	rt.valid = utf8_valid((const unsigned char *)copy, rules_len);
	rt.n_diags = 0;
	rc = convo_rules_new(&r, copy, rules_len, "fuzz.rules", check_diag,
	    &rt);
	if (rc == 0) {
		if (r == NULL || rt.n_diags != 0)
			abort();
		match_all(r, msgs != NULL ? copy + (msgs - text) : NULL,
		    msgs_len, copy, size);
		convo_rules_free(r);
	} else if (rc != CONVO_EDATA || r != NULL || rt.n_diags == 0)
		abort();
	match_all(defaults, msgs != NULL ? copy + (msgs - text) : NULL,
	    msgs_len, copy, size);
	convo_pattern_free(search);
	search = NULL;
	free(copy);
	return 0;
}
