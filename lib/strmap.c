/*
 * strmap.c: a map from strings to pointers, for the adapters that keep
 * state per conversation or sender id while they stream a file: a
 * lookup per element must not cost a walk over every id seen so far.
 * Open addressing with linear probing, kept at most half full; a NULL
 * key marks an empty slot.  There is no removal: state lives until the
 * end of the file.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct strmap_entry {
	char *key;		/* a copy; NULL: the slot is empty */
	uint64_t hash;
	void *value;
};

void
strmap_init(struct strmap *m)
{
	m->slot = NULL;
	m->cap = 0;
	m->n = 0;
}

void
strmap_release(struct strmap *m, void (*free_value)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (m->slot[i].key == NULL)
			continue;
		free(m->slot[i].key);
		if (free_value != NULL)
			free_value(m->slot[i].value);
	}
	free(m->slot);
	strmap_init(m);
}

static uint64_t
key_hash(const char *key)
{
	return hash64(HASH64_INIT, key, strlen(key));
}

/* The slot holding key, or the empty one where it would go. */
static struct strmap_entry *
find(struct strmap_entry *slot, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)(h & (cap - 1));

	while (slot[i].key != NULL &&
	    (slot[i].hash != h || strcmp(slot[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

/* Doubles the table (at least 64 slots); the entries move, not copied. */
static int
grow(struct strmap *m)
{
	struct strmap_entry *slot, *e;
	size_t i, cap = m->cap ? m->cap * 2 : 64;

	if (cap > SIZE_MAX / sizeof(*slot) / 2)
		return CONVO_ENOMEM;
	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (m->slot[i].key == NULL)
			continue;
		e = find(slot, cap, m->slot[i].key, m->slot[i].hash);
		*e = m->slot[i];
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	const struct strmap_entry *e;

	if (m->n == 0)
		return NULL;
	e = find(m->slot, m->cap, key, key_hash(key));
	return e->key != NULL ? e->value : NULL;
}

int
strmap_put(struct strmap *m, const char *key, void *value)
{
	struct strmap_entry *e;
	uint64_t h = key_hash(key);
	char *copy;
	int rc;

	if (m->cap > 0) {
		e = find(m->slot, m->cap, key, h);
		if (e->key != NULL) {
			e->value = value;
			return 0;
		}
	}
	if ((copy = strdup(key)) == NULL)
		return CONVO_ENOMEM;
	if ((m->n + 1) * 2 > m->cap && (rc = grow(m)) != 0) {
		free(copy);
		return rc;
	}
	e = find(m->slot, m->cap, key, h);
	e->key = copy;
	e->hash = h;
	e->value = value;
	m->n++;
	return 0;
}
