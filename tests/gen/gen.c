/*
 * tests/gen/gen.c: gen N SEED DIR writes a generated export of N
 * conversations for `make bench`, the same conversations in the three
 * native formats: DIR/gen.jsonl (conversation documents, JSON Lines),
 * DIR/gen-events.jsonl (event stream) and DIR/gen.csv (one row per
 * message).  The same N and SEED always give the same bytes.
 *
 * What makes it look like a busy bot's export: eight weeks of traffic with
 * a daily and a weekly rhythm; users who come back (recent ones more
 * often) and anonymous visitors; conversation lengths with a long tail;
 * fallbacks and handovers (typed, after a fallback, by button) that the
 * default rules recognise; clicks, thumbs, CSAT votes, stated and typed
 * leads; several sources and assistants; German, French, Japanese and
 * emoji text; multi-line answers; ended and still active conversations.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MSGS 400
#define ARENA (1 << 16)

/* 2026-09-07T00:00:00Z, a Monday; the export spans eight weeks. */
#define T0 1788739200LL
#define WEEKS 8

struct msg {
	int64_t ts;		/* ms */
	const char *role, *text, *click_type, *click_title, *feedback;
};

struct conv {
	char id[32], user[32];	/* user "" for anonymous */
	const char *source, *assistant, *country, *city, *end_reason;
	int64_t start, ended_at;	/* ended_at 0: active */
	int csat;
	char lead_name[48], lead_email[64];
	int64_t lead_at;
	int n;
	struct msg m[MAX_MSGS];
	char arena[ARENA];
	size_t used;
};

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* splitmix64: tiny, fast, and the same everywhere. */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static int
pick(int n)
{
	return (int)(unif() * n);
}

static int
chance(double p)
{
	return unif() < p;
}

#define PICK(a) ((a)[pick((int)(sizeof(a) / sizeof((a)[0])))])

/* Relative traffic by hour of day and day of week (Monday first). */
static const double hourly[24] = {
	.15, .08, .05, .04, .05, .1, .25, .55, .9, 1.1, 1.2, 1.15,
	1.05, 1.1, 1.15, 1.1, 1.0, .95, .9, .85, .75, .6, .4, .25
};
static const double daily[7] = { 1.15, 1.1, 1.05, 1.0, .95, .6, .5 };

static double
weight(int64_t t)
{
	int64_t s = t - T0;

	return hourly[(s / 3600) % 24] * daily[(s / 86400) % 7];
}

static const char *const sources[] = {
	"web_widget", "web_widget", "web_widget", "web_widget", "web_widget",
	"whatsapp", "whatsapp", "whatsapp", "api", "api", "voice", "telegram",
	"test_chat"
};
static const char *const assistants[] = {
	"Nordwind Assistant", "Nordwind Assistant", "shop-bot", "support-bot"
};
static const char *const countries[][2] = {
	{ "DE", "Berlin" }, { "DE", "Hamburg" }, { "DE", "München" },
	{ "AT", "Wien" }, { "CH", "Zürich" }, { "FR", "Paris" },
	{ "JP", "東京" }, { "ES", "Madrid" }, { "NL", "Amsterdam" }
};
static const char *const openers[] = {
	"Hello, I need help with my order",
	"Where is my parcel?",
	"Can I change my delivery address?",
	"What are your opening hours?",
	"I want to cancel my subscription",
	"How much does shipping to Austria cost?",
	"Wo ist mein Paket? 📦",
	"Können Sie mir bei der Rücksendung helfen?",
	"Bonjour, ma commande n'est pas arrivée",
	"注文した商品がまだ届きません",
	"Hi! Do you ship to Zürich? 🇨🇭",
	"¿Puedo pagar con tarjeta?",
	"My \"express\" delivery is late again",
	"hi"
};
static const char *const followups[] = {
	"yes", "no, the other one", "ok", "Thanks!", "What about returns?",
	"And how long does it take?", "Danke schön 🙏", "Merci beaucoup !",
	"Is that free of charge?", "Can I pay by invoice?",
	"I already did that,\nit still does not work",
	"asdfgh", "the blue one, size M"
};
static const char *const answers[] = {
	"Of course! Let me look that up for you.",
	"Returns are free within 30 days. You can print the label in your account.",
	"Here are your options:\n1. Return by post\n2. Return in a store\n3. Exchange for another size",
	"Unsere Öffnungszeiten:\nMo–Fr 9:00–19:00\nSa 10:00–16:00",
	"Votre commande est en route 🚚",
	"Shipping to Austria costs 4.90 €, free from 50 €.",
	"You can change the address until the parcel has left our warehouse.",
	"ご注文は発送済みです。",
	"Glad I could help! 😊"
};
static const char *const fallbacks[] = {
	"Sorry, I didn't understand that. Could you rephrase?",
	"I'm not sure what you mean. Could you please rephrase?",
	"I don't have an answer to that yet."
};
static const char *const handovers[] = {
	"I want to talk to a human",
	"Can I speak to a real person please?",
	"agent please",
	"Connect me to customer service",
	"Ich möchte mit einem Mitarbeiter sprechen"	/* not in the rules */
};
static const char *const agents[] = { "Anna", "Jonas", "Mia", "Luca" };
static const char *const quick[] = {
	"Track parcel", "Opening hours", "Returns", "Payment options"
};
static const char *const first_names[] = {
	"Lena Schmidt", "Tom Becker", "Amélie Durand", "Yuki Tanaka",
	"Sofia García", "Max Müller"
};

/* Text kept until the conversation has been written. */
static const char *
fmt(struct conv *c, const char *f, ...)
{
	va_list ap;
	char *p = c->arena + c->used;
	int n;

	va_start(ap, f);
	n = vsnprintf(p, ARENA - c->used, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= ARENA - c->used)
		return "";
	c->used += (size_t)n + 1;
	return p;
}

static struct msg *
add(struct conv *c, int64_t *t, int64_t gap_ms, const char *role,
    const char *text)
{
	struct msg *m;

	if (c->n == MAX_MSGS)
		return NULL;
	m = &c->m[c->n++];
	*t += gap_ms;
	memset(m, 0, sizeof(*m));
	m->ts = *t;
	m->role = role;
	m->text = text;
	return m;
}

/* A user's think time: mostly seconds, sometimes minutes. */
static int64_t
think(void)
{
	return (int64_t)(4000 + 60000 * pow(unif(), 3) +
	    (chance(.05) ? 600000 * unif() : 0));
}

static void
handover(struct conv *c, int64_t *t, int after_fallback)
{
	const char *agent = PICK(agents);
	struct msg *m;

	if (chance(.3) && !after_fallback) {
		if ((m = add(c, t, think(), "user", "Talk to an agent")) != NULL) {
			m->click_type = "button";
			m->click_title = "Talk to an agent";
		}
	} else
		add(c, t, think(), "user", PICK(handovers));
	add(c, t, 1500, "assistant", "I am connecting you with a colleague.");
	add(c, t, 20000 + (int64_t)(600000 * pow(unif(), 2)), "system",
	    fmt(c, "%s joined the conversation", agent));
	add(c, t, 2000, "agent", fmt(c, "Hi, this is %s from customer service. "
	    "How can I help?", agent));
	while (chance(.6)) {
		add(c, t, think(), "user", PICK(followups));
		add(c, t, 15000 + pick(90000), "agent", chance(.5) ?
		    "I have refunded the shipping costs." :
		    "Is there anything else I can do for you?");
	}
}

/* One exchange: the user asks or clicks, the bot answers. */
static int
turn(struct conv *c, int64_t *t, int first, int *fell_back)
{
	struct msg *m;
	int r = pick(100);

	if (first)
		m = add(c, t, 1000 + pick(5000), "user", PICK(openers));
	else if (r < 15) {
		const char *title = PICK(quick);

		if ((m = add(c, t, think(), "user", title)) != NULL) {
			m->click_type = "quick_reply";
			m->click_title = title;
		}
	} else if (r < 20)
		m = add(c, t, think(), "user", fmt(c, "It is about order "
		    "NW-%d", 10000 + pick(90000)));
	else if (r < 22)
		m = add(c, t, think(), "user", fmt(c, "you can reach me at "
		    "user%d@example.com", pick(1000000)));
	else if (r < 23)
		m = add(c, t, think(), "user", fmt(c, "call me on +49 151 %07d",
		    pick(10000000)));
	else
		m = add(c, t, think(), "user", PICK(followups));
	if (m == NULL)
		return -1;
	*fell_back = m->click_type == NULL && chance(.12);
	m = add(c, t, 800 + pick(3000), "assistant", *fell_back ?
	    PICK(fallbacks) : chance(.3) ? fmt(c, "Your order NW-%d is on its "
	    "way and should arrive on %s.", 10000 + pick(90000),
	    chance(.5) ? "Tuesday" : "Friday") : PICK(answers));
	if (m != NULL && chance(.06))
		m->feedback = chance(.7) ? "up" : "down";
	return m == NULL ? -1 : 0;
}

/* Turns: 1 + a Pareto tail, about ten messages a conversation. */
static int
n_turns(void)
{
	double x = pow(1 - unif(), -1 / 2.1) - 1;
	int n = 1 + (int)(6 * x);

	return n > 150 ? 150 : n;
}

static void
make_conv(struct conv *c, long i, int64_t start, long *n_users)
{
	int64_t t = start * 1000;
	int k, turns = n_turns(), fell, handed = 0;
	int loc = pick((int)(sizeof(countries) / sizeof(countries[0])));

	c->n = 0;
	c->used = 0;
	snprintf(c->id, sizeof(c->id), "%08lx-%04x", (unsigned long)i,
	    (unsigned)(rnd() & 0xffff));
	c->source = PICK(sources);
	c->assistant = PICK(assistants);
	c->country = countries[loc][0];
	c->city = countries[loc][1];
	c->start = t;
	c->user[0] = '\0';
	if (!chance(.2)) {
		/* A third come back; recent users more often. */
		long u = *n_users > 0 && chance(.35) ? *n_users - 1 -
		    (long)(*n_users * pow(unif(), 4)) : (*n_users)++;
		snprintf(c->user, sizeof(c->user), "u-%08lx",
		    (unsigned long)((uint32_t)u * 2654435761u));
	}
	for (k = 0; k < turns && c->n < MAX_MSGS - 20; k++) {
		if (turn(c, &t, k == 0, &fell) != 0)
			break;
		if (!handed && ((fell && chance(.25)) || chance(.015))) {
			handover(c, &t, fell);
			handed = 1;
			break;
		}
	}
	c->csat = chance(.12) ? 1 + (int)(5 * sqrt(unif())) : 0;
	c->lead_name[0] = '\0';
	if (chance(.03)) {
		snprintf(c->lead_name, sizeof(c->lead_name), "%s",
		    PICK(first_names));
		snprintf(c->lead_email, sizeof(c->lead_email),
		    "lead%ld@example.org", i);
		c->lead_at = c->m[c->n - 1].ts;
	}
	/* The newest conversations are still going on; a few never end. */
	c->ended_at = 0;
	c->end_reason = NULL;
	if (start < T0 + WEEKS * 604800LL - 3 * 3600 && chance(.8)) {
		c->ended_at = t + 30000 + pick(300000);
		c->end_reason = handed ? "agent" : chance(.7) ? "user" :
		    "timeout";
	}
}

/* --- writers --- */

static void
iso(FILE *fp, int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	fprintf(fp, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
jstr(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			putc(*s, fp);
	}
	putc('"', fp);
}

static void
jfield(FILE *fp, const char *name, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	fprintf(fp, ",\"%s\":", name);
	jstr(fp, v);
}

static void
jts(FILE *fp, const char *name, int64_t ms)
{
	fprintf(fp, ",\"%s\":\"", name);
	iso(fp, ms);
	putc('"', fp);
}

static void
jmsg_body(FILE *fp, const struct msg *m)
{
	fprintf(fp, "\"role\":\"%s\"", m->role);
	jfield(fp, "text", m->text);
	if (m->click_type) {
		fprintf(fp, ",\"click\":{\"type\":");
		jstr(fp, m->click_type);
		fprintf(fp, ",\"title\":");
		jstr(fp, m->click_title);
		putc('}', fp);
	}
}

static void
jconv_fields(FILE *fp, const struct conv *c)
{
	jfield(fp, "source", c->source);
	jfield(fp, "user", c->user);
	jfield(fp, "assistant", c->assistant);
	fprintf(fp, ",\"location\":{\"country\":");
	jstr(fp, c->country);
	fprintf(fp, ",\"city\":");
	jstr(fp, c->city);
	putc('}', fp);
}

static void
write_json(FILE *fp, const struct conv *c)
{
	int k;

	fprintf(fp, "{\"id\":\"%s\"", c->id);
	jconv_fields(fp, c);
	jts(fp, "started_at", c->start);
	if (c->ended_at) {
		jts(fp, "ended_at", c->ended_at);
		jfield(fp, "end_reason", c->end_reason);
	}
	if (c->csat)
		fprintf(fp, ",\"csat\":%d", c->csat);
	if (c->lead_name[0]) {
		fprintf(fp, ",\"leads\":[{\"name\":");
		jstr(fp, c->lead_name);
		fprintf(fp, ",\"email\":\"%s\"", c->lead_email);
		jts(fp, "created_at", c->lead_at);
		fputs("}]", fp);
	}
	fputs(",\"messages\":[", fp);
	for (k = 0; k < c->n; k++) {
		fprintf(fp, "%s{\"ts\":\"", k ? "," : "");
		iso(fp, c->m[k].ts);
		fputs("\",", fp);
		jmsg_body(fp, &c->m[k]);
		jfield(fp, "feedback", c->m[k].feedback);
		putc('}', fp);
	}
	fputs("]}\n", fp);
}

static void
ev_head(FILE *fp, const struct conv *c, int64_t ts, const char *type)
{
	fprintf(fp, "{\"conversation\":\"%s\",\"ts\":\"", c->id);
	iso(fp, ts);
	fprintf(fp, "\",\"type\":\"%s\"", type);
}

static void
write_events(FILE *fp, const struct conv *c)
{
	const struct msg *m;
	int k;

	ev_head(fp, c, c->start, "start");
	jconv_fields(fp, c);
	fputs("}\n", fp);
	for (k = 0; k < c->n; k++) {
		m = &c->m[k];
		ev_head(fp, c, m->ts, "message");
		jfield(fp, "source", c->source);
		putc(',', fp);
		jmsg_body(fp, m);
		fputs("}\n", fp);
		if (m->feedback) {
			ev_head(fp, c, m->ts + 1000, "feedback");
			fprintf(fp, ",\"source\":\"%s\",\"value\":\"%s\"}\n",
			    c->source, m->feedback);
		}
	}
	if (c->lead_name[0]) {
		ev_head(fp, c, c->lead_at, "lead");
		fprintf(fp, ",\"source\":\"%s\",\"name\":", c->source);
		jstr(fp, c->lead_name);
		fprintf(fp, ",\"email\":\"%s\"}\n", c->lead_email);
	}
	if (c->csat) {
		ev_head(fp, c, c->m[c->n - 1].ts + 2000, "survey");
		fprintf(fp, ",\"source\":\"%s\"}\n", c->source);
		ev_head(fp, c, c->m[c->n - 1].ts + 9000, "csat");
		fprintf(fp, ",\"source\":\"%s\",\"score\":%d}\n", c->source,
		    c->csat);
	}
	if (c->ended_at) {
		ev_head(fp, c, c->ended_at, "end");
		fprintf(fp, ",\"source\":\"%s\",\"reason\":\"%s\"}\n",
		    c->source, c->end_reason);
	}
}

static void
cstr(FILE *fp, const char *s)
{
	putc(',', fp);
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\n") == NULL) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

static const char csv_header[] =
	"conversation_id,timestamp,role,text,click_type,click_title,feedback,"
	"user,source,assistant,country,city,started_at,ended_at,end_reason,"
	"csat,lead_name,lead_email\n";

/* The conversation's fields go on its first row only, as exports do. */
static void
write_csv(FILE *fp, const struct conv *c)
{
	char csat[4] = "";
	int k;

	if (c->csat)
		snprintf(csat, sizeof(csat), "%d", c->csat);
	for (k = 0; k < c->n; k++) {
		fputs(c->id, fp);
		putc(',', fp);
		iso(fp, c->m[k].ts);
		cstr(fp, c->m[k].role);
		cstr(fp, c->m[k].text);
		cstr(fp, c->m[k].click_type);
		cstr(fp, c->m[k].click_title);
		cstr(fp, c->m[k].feedback);
		if (k > 0) {
			fputs(",,,,,,,,,,,\n", fp);
			continue;
		}
		cstr(fp, c->user);
		cstr(fp, c->source);
		cstr(fp, c->assistant);
		cstr(fp, c->country);
		cstr(fp, c->city);
		putc(',', fp);
		iso(fp, c->start);
		putc(',', fp);
		if (c->ended_at)
			iso(fp, c->ended_at);
		cstr(fp, c->end_reason);
		cstr(fp, csat);
		cstr(fp, c->lead_name[0] ? c->lead_name : NULL);
		cstr(fp, c->lead_name[0] ? c->lead_email : NULL);
		putc('\n', fp);
	}
}

static FILE *
out(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(74);
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	return fp;
}

int
main(int argc, char **argv)
{
	static struct conv c;
	FILE *json, *events, *csv;
	long i, n, n_users = 0, n_msgs = 0;
	double mean = 0, t, span = WEEKS * 604800.0;
	int h;

	if (argc != 4 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: gen N SEED DIR\n");
		return 64;
	}
	rng_state = strtoull(argv[2], NULL, 10);
	json = out(argv[3], "gen.jsonl");
	events = out(argv[3], "gen-events.jsonl");
	csv = out(argv[3], "gen.csv");
	fputs(csv_header, csv);
	for (h = 0; h < 24 * 7; h++)
		mean += weight(T0 + h * 3600LL) / (24 * 7);
	/* Arrivals: a Poisson process whose rate follows the rhythm. */
	t = T0;
	for (i = 0; i < n; i++) {
		t += -log(1 - unif()) * span / n /
		    (weight((int64_t)t) / mean);
		make_conv(&c, i, (int64_t)t, &n_users);
		write_json(json, &c);
		write_events(events, &c);
		write_csv(csv, &c);
		n_msgs += c.n;
	}
	if (fclose(json) || fclose(events) || fclose(csv)) {
		perror("gen");
		return 74;
	}
	printf("%ld conversations, %ld messages, %ld users\n", n, n_msgs,
	    n_users);
	return 0;
}
