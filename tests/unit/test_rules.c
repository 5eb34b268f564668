/*
 * test_rules.c: unit tests of lib/rules.c and the default rules: each
 * kind on examples that must and must not match, contacts and redaction
 * with exact output, the diagnostics for a bad rules text, and search
 * patterns.
 */
#include "convo.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* The diagnostics of the last load, as "file:line:col: message" lines. */
static char diags[1024];
static int n_diags;

static void
collect(void *ctx, const struct convo_diag *d)
{
	size_t used = strlen(diags);

	(void)ctx;
	n_diags++;
	snprintf(diags + used, sizeof(diags) - used, "%s:%ld:%ld: %s%s\n",
	    d->file, d->line, d->col,
	    d->severity == CONVO_SEV_ERROR ? "" : "warning: ", d->message);
}

static int
load(struct convo_rules **r, const char *text)
{
	diags[0] = '\0';
	n_diags = 0;
	return convo_rules_new(r, text, strlen(text), "test.rules", collect,
	    NULL);
}

static struct convo_rules *defaults;

static int
fallback(const char *s)
{
	return rules_is_fallback(defaults, s, strlen(s));
}

static int
handover(const char *s)
{
	return rules_is_handover(defaults, s, strlen(s));
}

static int
operator(const char *s)
{
	return rules_is_operator(defaults, s, strlen(s));
}

static void
test_fallback(void)
{
	static const char *yes[] = {
		"Sorry, I didn't understand that.",
		"I didn\xe2\x80\x99t understand your question.",
		"I did not understand.",
		"I don't understand what you mean.",
		"Sorry, I couldn't understand your request",
		"I can't quite follow.",
		"I'm not sure I understand. Could you try again?",
		"I am not sure what you mean.",
		"Hmm, I'm not quite sure what you're asking.",
		"Could you rephrase that?",
		"Can you please rephrase your question?",
		"Please rephrase.",
		"Could you say that again differently?",
		"I don't know how to help with that.",
		"I'm not sure how I can help with this.",
		"Sorry, I didn't get that.",
		"I didn't quite catch that.",
		"I don't have an answer to that yet.",
		"SORRY, I DID NOT UNDERSTAND"
	};
	static const char *no[] = {
		"I understand.",
		"I do understand your concern.",
		"I understand you didn't get the parcel.",
		"Your order was shipped yesterday.",
		"I don't get paid for this.",
		"I'm sure I can help with that!",
		"Here is how I can help with that:",
		"Would you like to talk to an agent?",
		""
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(fallback(yes[i]), yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!fallback(no[i]), no[i]);
}

static void
test_handover(void)
{
	static const char *yes[] = {
		"can I talk to a human?",
		"I want to speak with someone",
		"Can I speak to a real person please",
		"let me chat with an agent",
		"I\342\200\231d like to speak to an operator",
		"I want to talk to your manager",
		"live agent",
		"LIVE AGENT!!",
		"Human please",
		"human",
		"Agent?",
		"an operator",
		"connect me to support",
		"Please transfer me to customer service",
		"put me through to a representative",
		"get me a human",
		"I need a customer service representative",
		"I want a human",
		"Can I have an agent?",
		"Is there a person I can talk to?",
		"are there any humans here"
	};
	static const char *no[] = {
		"I'd like to talk about my order",
		"I'm a human resources manager",
		"The agent said my order is late",
		"talk to you later",
		"Talk to me",
		"chat with the bot",
		"I want a refund",
		"Do you ship to Austria?",
		"humanity",
		""
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(handover(yes[i]), yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!handover(no[i]), no[i]);
}

static void
test_operator(void)
{
	static const char *yes[] = {
		"Operator",
		"Talk to a human",
		"Human",
		"Chat with an agent",
		"Live chat",
		"Livechat",
		"Talk to us",
		"/talk_to_human",
		"https://example.com/live-chat",
		"handover",
		"Real person"
	};
	static const char *no[] = {
		"Pricing",
		"Opening hours",
		"Agenda",
		"Track my order",
		"https://example.com/humanities",
		"Talk to me",
		""
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(operator(yes[i]), yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!operator(no[i]), no[i]);
}

/* Checks the first e-mail address and phone number found in s. */
static void
contacts(const char *s, const char *want_email, const char *want_phone)
{
	char *email = NULL, *phone = NULL;

	is_int(rules_find_contacts(&email, &phone, defaults, s, strlen(s)), 0,
	    s);
	is_str(email, want_email, "  e-mail");
	is_str(phone, want_phone, "  phone");
	free(email);
	free(phone);
}

static void
test_contacts(void)
{
	contacts("my phone number is +49 30 1234567", NULL, "+49 30 1234567");
	contacts("call me at 2026-11-20", NULL, NULL);
	contacts("at 10:30:15 on 20.11.2026 or 11/20/2026", NULL, NULL);
	contacts("(555) 123-4567, or 555-123-4567", NULL, "(555) 123-4567");
	contacts("+49 (0)30 1234567", NULL, "+49 (0)30 1234567");
	contacts("+1 (555) 123-4567 ext. 12", NULL, "+1 (555) 123-4567");
	contacts("Tel. 0171 1234567.", NULL, "0171 1234567");
	contacts("ring (0301234567)", NULL, "0301234567");
	contacts("Mail john.doe@example.com.", "john.doe@example.com", NULL);
	contacts("J\xc3\xb6rg@m\xc3\xbcller.de, 030/1234567",
	    "J\xc3\xb6rg@m\xc3\xbcller.de", "030/1234567");
	contacts("a@b.co, c@d.org; 555-123-4567 and 555-765-4321", "a@b.co",
	    "555-123-4567");
	/* Numbers that only look like phone numbers. */
	contacts("1 2 3 4 5 6 7 8", NULL, NULL);
	contacts("order 20261120, 1234567", NULL, NULL);
	contacts("pi is 3.14159265358, it costs 12.345.678", NULL, NULL);
	contacts("order #12345678901234567890", NULL, NULL);
	contacts("4 digits 1234 and 12:30", NULL, NULL);
	/* A card number is not a phone number. */
	contacts("card 4111 1111 1111 1111", NULL, NULL);
	contacts("not an address: a@b, user@localhost, @example.com", NULL,
	    NULL);
	contacts("", NULL, NULL);
}

/* Checks redact(s) against want. */
static void
redacts(const struct convo_rules *r, const char *s, const char *want)
{
	char *got = convo_rules_redact(r, s, strlen(s)), name[128], *nl;

	/* A newline in a test name would break the TAP output. */
	snprintf(name, sizeof(name), "%s", s);
	while ((nl = strchr(name, '\n')) != NULL)
		*nl = ' ';
	is_str(got, want, name);
	free(got);
}

static void
test_redact(void)
{
	char *got;

	redacts(defaults, "mail me at jane@example.org or call +49 30 1234567",
	    "mail me at [email] or call [phone]");
	redacts(defaults, "card 4111 1111 1111 1111, exp 12/27",
	    "card [card], exp 12/27");
	redacts(defaults, "4111-1111-1111-1111", "[card]");
	redacts(defaults, "amex 3782 822463 10005, visa 4111111111111111.",
	    "amex [card], visa [card].");
	redacts(defaults, "(555) 123-4567 / 555.123.4567",
	    "[phone] / [phone]");
	redacts(defaults, "no contacts on 2026-11-20 at 10:30",
	    "no contacts on 2026-11-20 at 10:30");
	redacts(defaults, "x@y.co x@y.co x@y.co", "[email] [email] [email]");
	redacts(defaults, "", "");
	redacts(defaults, "a\xe2\x80\x99s mail: a@b.de\n2nd line +4930123456",
	    "a\xe2\x80\x99s mail: [email]\n2nd line [phone]");
	/* Invalid UTF-8 around a contact does not stop the redaction. */
	redacts(defaults, "\xff\xfe a@b.de \xed\xa0\x80 +49 30 1234567 \xc3",
	    "\xff\xfe [email] \xed\xa0\x80 [phone] \xc3");
	/* len, not the NUL, ends the text. */
	got = convo_rules_redact(defaults, "a@b.de and more", 6);
	is_str(got, "[email]", "redaction stops at len");
	free(got);
	got = convo_rules_redact(defaults, NULL, 0);
	is_str(got, "", "NULL text with length 0");
	free(got);
}

static void
test_custom(void)
{
	struct convo_rules *r;
	char *got, *email, *phone;
	const char *text;

	text = "# comment\n"
	    "\n"
	    "   # indented comment\r\n"
	    "fallback\t(?i)^huh\\b   \r\n"
	    "fallback  no idea\n"
	    "email x*\n"
	    "phone \\d{3}\n"
	    "card \\d{3}-\\d{3}\n"
	    "operator #human";
	is_int(load(&r, text), 0, "custom rules load");
	is_int(n_diags, 0, "  without diagnostics");
	ok(r != NULL && rules_is_fallback(r, "HUH?", 4), "first alternative");
	ok(rules_is_fallback(r, "I have no idea", 14), "second alternative");
	ok(!rules_is_fallback(r, "huhu", 4), "trailing blanks dropped");
	ok(!rules_is_handover(r, "talk to a human", 15),
	    "a kind without rules never matches");
	ok(rules_is_operator(r, "#human", 6), "'#' inside a pattern");
	/* An empty match of "x*" is not replaced; "xx" is. */
	redacts(r, "abc xx", "abc [email]");
	/* The longer match wins; at equal length, card before phone. */
	redacts(r, "123-456 12", "[card] 12");
	ok(rules_find_contacts(&email, &phone, r, "123-456 789", 11) == 0 &&
	    email == NULL && phone != NULL && strcmp(phone, "789") == 0,
	    "contacts skip what a card rule took");
	free(email);
	free(phone);
	convo_rules_free(r);

	is_int(load(&r, ""), 0, "an empty rules text loads");
	ok(r != NULL && !rules_is_fallback(r, "sorry, I didn't understand",
	    26), "  and matches nothing");
	got = convo_rules_redact(r, "a@b.de", 6);
	is_str(got, "a@b.de", "  and redacts nothing");
	free(got);
	convo_rules_free(r);
	convo_rules_free(NULL);
}

static void
test_errors(void)
{
	static char not_null;
	struct convo_rules *r = (struct convo_rules *)(void *)&not_null;

	is_int(load(&r, "fallback sorry\nfalback sorry\n"), CONVO_EDATA,
	    "unknown kind");
	ok(r == NULL, "  *out is NULL");
	is_str(diags, "test.rules:2:1: unknown rule kind 'falback'\n",
	    "  diagnostic");

	is_int(load(&r, "# bad\n  email   (?i)a(b\n"), CONVO_EDATA,
	    "unclosed group");
	is_str(diags, "test.rules:2:18: missing closing parenthesis\n",
	    "  PCRE2's message where PCRE2 stopped: after the pattern");

	is_int(load(&r, "phone [0-9\nhandover a{2,1}\n"), CONVO_EDATA,
	    "two bad patterns");
	is_int(n_diags, 2, "  both reported");
	is_str(diags, "test.rules:1:11: missing terminating ] for character "
	    "class\ntest.rules:2:15: numbers out of order in {} quantifier\n",
	    "  diagnostics");

	is_int(load(&r, "email\ncard \t \n"), CONVO_EDATA, "missing patterns");
	is_str(diags, "test.rules:1:6: missing pattern\n"
	    "test.rules:2:5: missing pattern\n", "  diagnostics");

	is_int(load(&r, "\t(?i)sorry\n"), CONVO_EDATA, "no kind");
	is_str(diags, "test.rules:1:2: unknown rule kind '(?i)sorry'\n",
	    "  diagnostic");

	is_int(load(&r, "Email a@b\n"), CONVO_EDATA, "kinds are lower case");
	is_str(diags, "test.rules:1:1: unknown rule kind 'Email'\n",
	    "  diagnostic");

	is_int(load(&r, "fallback \xff\n"), CONVO_EDATA, "invalid UTF-8");
	ok(n_diags == 1 && strncmp(diags, "test.rules:1:10: UTF-8 error", 28)
	    == 0, "  reported at its column");

	is_int(load(&r, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxx a\n"), CONVO_EDATA, "a long unknown kind");
	is_str(diags, "test.rules:1:1: unknown rule kind "
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'\n",
	    "  is shortened");

	is_int(convo_rules_new(&r, "bogus x", 7, "t", NULL, NULL), CONVO_EDATA,
	    "errors without a diagnostic callback");

	/* \C matches one byte and would cut UTF-8 characters apart. */
	is_int(load(&r, "email \\C\n"), CONVO_EDATA, "\\C is refused");
	is_str(diags, "test.rules:1:9: using \\C is disabled by the "
	    "application\n", "  with PCRE2's reason");
}

/* matches(PATTERN, TEXT): compiles, matches once, frees. */
static int
pattern_matches(const char *pattern, const char *text)
{
	struct convo_pattern *p;
	char err[128];
	int m;

	if (convo_pattern_new(&p, err, sizeof(err), pattern) != 0)
		return -1;
	m = convo_pattern_match(p, text, strlen(text));
	convo_pattern_free(p);
	return m;
}

static void
test_pattern(void)
{
	struct convo_pattern *p;
	char err[128];

	is_int(pattern_matches("refund", "Where is my refund?"), 1,
	    "pattern: a word anywhere");
	is_int(pattern_matches("refund", "Where is my Refund?"), 0,
	    "  case-sensitive");
	is_int(pattern_matches("(?i)refund", "Where is my REFUND?"), 1,
	    "  (?i) ignores case");
	is_int(pattern_matches("^no\\s+thanks$", "no \n thanks"), 1,
	    "  \\s spans a line end");
	is_int(pattern_matches("caf\xc3\xa9.", "Caf\xc3\xa9!"), 0,
	    "  UTF-8 in the pattern, case-sensitive");
	is_int(pattern_matches("(?i)caf\xc3\x89.", "caf\xc3\xa9!"), 1,
	    "  (?i) folds non-ASCII letters");
	is_int(pattern_matches("^.$", "\xc3\xa9"), 1,
	    "  . is one character, not one byte");
	is_int(pattern_matches("b", "a\xff b"), 1,
	    "  invalid UTF-8 in the text does not stop a match");
	is_int(pattern_matches("", "anything"), 1, "  the empty pattern "
	    "matches");

	ok(convo_pattern_new(&p, err, sizeof(err), "x") == 0 && p != NULL,
	    "pattern: compiled once");
	is_int(convo_pattern_match(p, "axb", 3), 1, "  matches a text");
	is_int(convo_pattern_match(p, "ab", 2), 0, "  and not another");
	is_int(convo_pattern_match(p, "axb", 1), 0, "  only len bytes count");
	is_int(convo_pattern_match(p, NULL, 0), 0, "  NULL never matches");
	convo_pattern_free(p);
	convo_pattern_free(NULL);

	p = (struct convo_pattern *)&err;
	is_int(convo_pattern_new(&p, err, sizeof(err), "a(b"), CONVO_EUSAGE,
	    "a bad pattern is a usage error");
	ok(p == NULL, "  *out is NULL");
	is_str(err, "missing closing parenthesis at column 4",
	    "  with PCRE2's reason and the column");
	is_int(convo_pattern_new(&p, err, sizeof(err), "\xff"), CONVO_EUSAGE,
	    "invalid UTF-8 in a pattern is refused");
}

int
main(void)
{
	const char *text = convo_rules_default_text();

	is_int(load(&defaults, text), 0, "the default rules load");
	is_str(diags, "", "  without diagnostics");
	if (defaults == NULL)
		return done_testing();
	test_fallback();
	test_handover();
	test_operator();
	test_contacts();
	test_redact();
	test_custom();
	test_errors();
	test_pattern();
	convo_rules_free(defaults);
	return done_testing();
}
