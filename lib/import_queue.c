/*
 * import_queue.c: the records of one import on their way from the parser
 * to the store.  Parsing (JSON, CSV, the rules) and storing (SQLite) each
 * take about half of an import; with two threads they overlap.  Items are
 * copied, strings and all, into batches of about BATCH_BYTES; at most
 * DEPTH batches are on their way at a time, so memory stays bounded
 * whatever the file's size, and a parser that runs ahead waits.
 *
 * Without a thread, the same batches are stored by the parsing thread
 * itself whenever one fills up: one code path, in either mode, with the
 * items stored in the order they were put.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BATCH_BYTES (256u << 10)
#define DEPTH 4

struct batch {
	struct batch *next;
	size_t len, cap;	/* bytes of data used and allocated */
	size_t n;		/* items */
	alignas(max_align_t) unsigned char data[];
};

struct import_queue {
	import_store_fn store;
	void *ctx;
	int threaded;
	struct batch *filling;	/* the parser's */
	/* Shared, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch *head, *tail;	/* full batches, in order */
	struct batch *spare;	/* emptied ones, for reuse */
	int queued;		/* full batches queued or being stored */
	int closed;		/* the parser has put its last item */
	int parse_status;	/* ... and ended with this */
	int store_status;	/* the store failed: the parser stops */
};

/* The string fields of an item, so that each is copied and found again. */
#define RS(f) offsetof(struct import_item, rec.f)
static const size_t strings[] = {
	RS(conv_id), RS(source), RS(conv.user), RS(conv.assistant),
	RS(conv.device), RS(conv.browser), RS(conv.country), RS(conv.region),
	RS(conv.city), RS(conv.status), RS(conv.end_reason), RS(msg.text),
	RS(msg.click_type),
	RS(msg.click_title), RS(msg.click_target), RS(msg.intent),
	RS(msg.agent), RS(msg.media_type), RS(msg.media_name),
	RS(msg.media_url), RS(lead_name), RS(lead_email), RS(lead_phone),
	RS(var_name), RS(var_value), RS(var_source), RS(end_reason),
	offsetof(struct import_item, email), offsetof(struct import_item, phone)
};
#undef RS
#define N_STRINGS (sizeof(strings) / sizeof(strings[0]))

static const char **
field(struct import_item *it, size_t off)
{
	return (const char **)(void *)((char *)it + off);
}

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/*
 * An item in a batch: its size, the struct, then its strings.  (The
 * size comes first so that the storing side need not measure again.)
 */
#define HEAD align8(sizeof(size_t))

static size_t
item_size(const struct import_item *it)
{
	struct import_item *x = (struct import_item *)it;
	size_t n = HEAD + align8(sizeof(*it)), i;
	const char *s;

	for (i = 0; i < N_STRINGS; i++)
		if ((s = *field(x, strings[i])) != NULL)
			n += strlen(s) + 1;
	return align8(n);
}

static char *
copy_string(unsigned char **p, const char *s, size_t len)
{
	char *to = (char *)*p;

	memcpy(to, s, len);
	to[len] = '\0';
	*p += len + 1;
	return to;
}

/*
 * Copies it into b.  The pointers in the copy point into b, whose data
 * never moves: a batch is allocated at its full size.
 */
static void
item_copy(struct batch *b, const struct import_item *it, size_t size)
{
	unsigned char *at = b->data + b->len, *p;
	struct import_item *to = (struct import_item *)(void *)(at + HEAD);
	const char **f;
	size_t i;

	memcpy(at, &size, sizeof(size));
	*to = *it;
	p = at + HEAD + align8(sizeof(*to));
	for (i = 0; i < N_STRINGS; i++) {
		f = field(to, strings[i]);
		if (*f != NULL)
			*f = copy_string(&p, *f, strlen(*f));
	}
	b->len += size;
	b->n++;
}

static struct batch *
batch_new(size_t cap)
{
	struct batch *b;

	if ((b = malloc(sizeof(*b) + cap)) == NULL)
		return NULL;
	b->next = NULL;
	b->len = b->n = 0;
	b->cap = cap;
	return b;
}

/* Stores every item of b, in order; returns the first failure. */
static int
store_batch(struct import_queue *q, struct batch *b)
{
	const unsigned char *at = b->data;
	size_t i, size;
	int rc = 0;

	for (i = 0; rc == 0 && i < b->n; i++, at += size) {
		memcpy(&size, at, sizeof(size));
		rc = q->store(q->ctx,
		    (const struct import_item *)(const void *)(at + HEAD));
	}
	return rc;
}

int
import_queue_new(struct import_queue **out, int threaded,
    import_store_fn store, void *ctx)
{
	struct import_queue *q;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return CONVO_ENOMEM;
	q->store = store;
	q->ctx = ctx;
	q->threaded = threaded;
	if (threaded && (pthread_mutex_init(&q->lock, NULL) != 0 ||
	    pthread_cond_init(&q->changed, NULL) != 0)) {
		free(q);
		return CONVO_ENOMEM;
	}
	*out = q;
	return 0;
}

static void
free_list(struct batch *b)
{
	struct batch *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}

void
import_queue_free(struct import_queue *q)
{
	if (q == NULL)
		return;
	free(q->filling);
	free_list(q->head);
	free_list(q->spare);
	if (q->threaded) {
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->changed);
	}
	free(q);
}

/*
 * Hands the filling batch on: with a thread, to the queue (waiting while
 * DEPTH batches are on their way); without, to the store at once.  Takes
 * a spare batch, if there is one, to fill next.
 */
static int
hand_on(struct import_queue *q)
{
	struct batch *b = q->filling;
	int rc;

	q->filling = NULL;
	if (!q->threaded) {
		rc = store_batch(q, b);
		b->len = b->n = 0;
		q->filling = b;
		return rc;
	}
	pthread_mutex_lock(&q->lock);
	while (q->queued >= DEPTH && q->store_status == 0)
		pthread_cond_wait(&q->changed, &q->lock);
	if ((rc = q->store_status) == 0) {
		b->next = NULL;
		if (q->tail != NULL)
			q->tail->next = b;
		else
			q->head = b;
		q->tail = b;
		q->queued++;
		b = NULL;
		if (q->spare != NULL) {
			q->filling = q->spare;
			q->spare = q->spare->next;
		}
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	free(b);
	return rc;
}

int
import_queue_put(struct import_queue *q, const struct import_item *it)
{
	size_t size = item_size(it);
	struct batch *b = q->filling;
	int rc;

	if (b != NULL && b->n > 0 && b->len + size > b->cap) {
		if ((rc = hand_on(q)) != 0)
			return rc;
		b = q->filling;
	}
	/* A batch fits its item, however big: a record has a ceiling. */
	if (b != NULL && b->cap < size) {
		free(b);
		b = q->filling = NULL;
	}
	if (b == NULL) {
		b = batch_new(size > BATCH_BYTES ? size : BATCH_BYTES);
		if ((q->filling = b) == NULL)
			return CONVO_ENOMEM;
	}
	item_copy(b, it, size);
	return 0;
}

int
import_queue_close(struct import_queue *q, int status)
{
	int rc = 0;

	if (status == 0 && q->filling != NULL && q->filling->n > 0)
		rc = hand_on(q);
	if (!q->threaded)
		return status != 0 ? status : rc;
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	q->parse_status = status != 0 ? status : rc;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return status != 0 ? status : rc;
}

/* The next full batch, or NULL once the parser has closed the queue. */
static struct batch *
next_batch(struct import_queue *q)
{
	struct batch *b;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->closed)
		pthread_cond_wait(&q->changed, &q->lock);
	/* After a parse error, what is queued would be rolled back. */
	if ((b = q->head) != NULL && q->parse_status == 0) {
		q->head = b->next;
		if (q->head == NULL)
			q->tail = NULL;
	} else
		b = NULL;
	pthread_mutex_unlock(&q->lock);
	return b;
}

/* Gives an emptied batch back to the parser. */
static void
done_batch(struct import_queue *q, struct batch *b, int rc)
{
	pthread_mutex_lock(&q->lock);
	b->len = b->n = 0;
	b->next = q->spare;
	q->spare = b;
	q->queued--;
	if (rc != 0)
		q->store_status = rc;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

int
import_queue_drain(struct import_queue *q)
{
	struct batch *b;
	int rc = 0;

	while (rc == 0 && (b = next_batch(q)) != NULL) {
		rc = store_batch(q, b);
		done_batch(q, b, rc);
	}
	return rc;
}
