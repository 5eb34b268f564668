/*
 * store_groups.c: the maps and groups that a pass over a period
 * (store_period.c) counts in: integers to indexes, and groups of up to
 * three texts (or a key) with their counts, the texts kept in blocks that
 * never move.  Open addressing with linear probing, at most half full.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_period.h"

#define FNV_PRIME UINT64_C(1099511628211)

/* The finalizer of splitmix64: every bit of x moves every bit out. */
static uint64_t
mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* Makes room for one more element of size sz in *p (n used, *cap). */
int
period_grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void **pp = p, *np;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if (c > SIZE_MAX / sz || (np = realloc(*pp, c * sz)) == NULL)
		return CONVO_ENOMEM;
	*pp = np;
	*cap = c;
	return 0;
}


void
period_map_release(struct period_map *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* The index of k, or -1. */
int64_t
period_map_get(const struct period_map *m, int64_t k)
{
	size_t i;

	if (m->cap == 0)
		return -1;
	for (i = mix64((uint64_t)k) & (m->cap - 1); m->val[i] != 0;
	    i = (i + 1) & (m->cap - 1))
		if (m->key[i] == k)
			return (int64_t)m->val[i] - 1;
	return -1;
}

static void
imap_place(int64_t *key, uint32_t *val, size_t cap, int64_t k, uint32_t v)
{
	size_t i = mix64((uint64_t)k) & (cap - 1);

	while (val[i] != 0)
		i = (i + 1) & (cap - 1);
	key[i] = k;
	val[i] = v;
}

static int
imap_grow(struct period_map *m)
{
	size_t i, cap = m->cap ? m->cap * 2 : 256;
	uint32_t *val;
	int64_t *key;

	if ((key = malloc(cap * sizeof(*key))) == NULL)
		return CONVO_ENOMEM;
	if ((val = calloc(cap, sizeof(*val))) == NULL) {
		free(key);
		return CONVO_ENOMEM;
	}
	for (i = 0; i < m->cap; i++)
		if (m->val[i] != 0)
			imap_place(key, val, cap, m->key[i], m->val[i]);
	free(m->key);
	free(m->val);
	m->key = key;
	m->val = val;
	m->cap = cap;
	return 0;
}

/*
 * The index of k; a new k gets index v (below 2^32 - 1) and *added = 1.
 */
int
period_map_put(size_t *out, int *added, struct period_map *m, int64_t k,
    size_t v)
{
	int64_t had = period_map_get(m, k);
	int rc;

	*added = had < 0;
	if (had >= 0) {
		*out = (size_t)had;
		return 0;
	}
	if (v >= UINT32_MAX - 1)
		return CONVO_ENOMEM;
	if (2 * (m->n + 1) > m->cap && (rc = imap_grow(m)) != 0)
		return rc;
	imap_place(m->key, m->val, m->cap, k, (uint32_t)(v + 1));
	m->n++;
	*out = v;
	return 0;
}

/*
 * Groups: their values are copied into an arena of blocks that never
 * move, so that the pointers in struct period_group stay valid.
 */
struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

struct period_index {
	uint32_t *slot;		/* group index + 1; 0: empty */
	uint64_t *hash;		/* of each group */
	size_t cap;		/* slots */
	size_t hash_cap;
	struct block *blocks;
};

void
period_groups_release(struct period_groups *gs)
{
	struct block *b, *next;

	if (gs->index != NULL) {
		for (b = gs->index->blocks; b != NULL; b = next) {
			next = b->next;
			free(b);
		}
		free(gs->index->slot);
		free(gs->index->hash);
		free(gs->index);
	}
	free(gs->g);
	memset(gs, 0, sizeof(*gs));
}

/* A copy of n bytes of s, NUL-terminated, in the arena. */
static const char *
arena_copy(struct period_index *ix, const char *s, size_t n)
{
	struct block *b = ix->blocks;
	size_t size;
	char *p;

	if (b == NULL || b->size - b->used < n + 1) {
		size = n + 1 > 65536 ? n + 1 : 65536;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = ix->blocks;
		b->used = 0;
		b->size = size;
		ix->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

/* FNV-1a of the parts, each with its length (or none), and the key. */
static uint64_t
group_hash(int64_t key, const char *const *v, const size_t *len, int parts)
{
	uint64_t h = HASH64_INIT ^ (uint64_t)key;
	const unsigned char *b;
	size_t i;
	int k;

	for (k = 0; k < parts; k++) {
		h = (h ^ (v[k] == NULL ? 0 : len[k] + 1)) * FNV_PRIME;
		for (b = (const unsigned char *)v[k], i = 0; b != NULL &&
		    i < len[k]; i++)
			h = (h ^ b[i]) * FNV_PRIME;
	}
	return mix64(h);
}

static int
group_equal(const struct period_group *g, int64_t key, const char *const *v,
    const size_t *len, int parts)
{
	int i;

	if (g->key != key)
		return 0;
	for (i = 0; i < parts; i++) {
		if ((g->v[i] == NULL) != (v[i] == NULL))
			return 0;
		if (v[i] != NULL && (g->len[i] != len[i] ||
		    memcmp(g->v[i], v[i], len[i]) != 0))
			return 0;
	}
	return 1;
}

static int
index_grow(struct period_groups *gs)
{
	struct period_index *ix = gs->index;
	size_t i, j, cap = ix->cap ? ix->cap * 2 : 64;
	uint32_t *slot;

	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < gs->n; i++) {
		for (j = ix->hash[i] & (cap - 1); slot[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = (uint32_t)(i + 1);
	}
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

/* Appends a new group; its values are copied. */
static int
group_new(struct period_groups *gs, uint64_t h, int64_t key,
    const char *const *v, const size_t *len, int parts)
{
	struct period_index *ix = gs->index;
	struct period_group *g;
	int i, rc;

	if (gs->n >= UINT32_MAX - 1)
		return CONVO_ENOMEM;
	if ((rc = period_grow(&gs->g, &gs->cap, gs->n, sizeof(*gs->g))) != 0 ||
	    (rc = period_grow(&ix->hash, &ix->hash_cap, gs->n,
	    sizeof(*ix->hash))) != 0)
		return rc;
	g = &gs->g[gs->n];
	memset(g, 0, sizeof(*g));
	g->key = key;
	for (i = 0; i < parts; i++) {
		g->len[i] = v[i] ? len[i] : 0;
		if (v[i] != NULL &&
		    (g->v[i] = arena_copy(ix, v[i], len[i])) == NULL)
			return CONVO_ENOMEM;
	}
	ix->hash[gs->n++] = h;
	return 0;
}

/*
 * The index of the group with key and values v[0 .. parts - 1] (NULL: no
 * value); a new one starts with zero counts.
 */
int
period_group_get(size_t *out, struct period_groups *gs, int64_t key,
    const char *const *v, const size_t *len, int parts)
{
	struct period_index *ix;
	uint64_t h = group_hash(key, v, len, parts);
	size_t i;
	int rc;

	if (gs->index == NULL &&
	    (gs->index = calloc(1, sizeof(*gs->index))) == NULL)
		return CONVO_ENOMEM;
	ix = gs->index;
	if (2 * (gs->n + 1) > ix->cap && (rc = index_grow(gs)) != 0)
		return rc;
	for (i = h & (ix->cap - 1); ix->slot[i] != 0;
	    i = (i + 1) & (ix->cap - 1)) {
		*out = ix->slot[i] - 1;
		if (ix->hash[*out] == h &&
		    group_equal(&gs->g[*out], key, v, len, parts))
			return 0;
	}
	if ((rc = group_new(gs, h, key, v, len, parts)) != 0)
		return rc;
	ix->slot[i] = (uint32_t)gs->n;
	*out = gs->n - 1;
	return 0;
}

/*
 * period_group_get() of one value, first among the RECENT groups found last
 * (recent[], index + 1, 0 for none): most columns take few values.
 */
int
period_group_recent(size_t *out, struct period_groups *gs, uint32_t *recent,
    const char *v, size_t len)
{
	const struct period_group *g;
	uint32_t hit;
	int k, rc;

	for (k = 0; k < RECENT && recent[k] != 0; k++) {
		g = &gs->g[recent[k] - 1];
		if (v == NULL ? g->v[0] == NULL : g->v[0] != NULL &&
		    g->len[0] == len && memcmp(g->v[0], v, len) == 0)
			break;
	}
	if (k < RECENT && recent[k] != 0)
		hit = recent[k];
	else {
		if ((rc = period_group_get(out, gs, 0, &v, &len, 1)) != 0)
			return rc;
		hit = (uint32_t)*out + 1;
		k = RECENT - 1;
	}
	memmove(recent + 1, recent, (size_t)k * sizeof(*recent));
	recent[0] = hit;
	*out = hit - 1;
	return 0;
}

