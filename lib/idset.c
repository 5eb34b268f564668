/*
 * idset.c: a set of 64-bit hashes, for the adapters that must drop an
 * element they have already seen in the same file (a webhook capture
 * repeats a message; a transcript log repeats an activity).  Open
 * addressing with linear probing; 0 marks an empty slot, so a hash of 0
 * is stored as 1.
 */
#include <stdlib.h>

#include "internal.h"

void
idset_init(struct idset *s)
{
	s->slot = NULL;
	s->cap = 0;
	s->n = 0;
}

void
idset_release(struct idset *s)
{
	free(s->slot);
	idset_init(s);
}

static void
put(uint64_t *slot, size_t cap, uint64_t h)
{
	size_t i = (size_t)(h & (cap - 1));

	while (slot[i] != 0 && slot[i] != h)
		i = (i + 1) & (cap - 1);
	slot[i] = h;
}

/* Doubles the table (at least 64 slots), keeping it at most half full. */
static int
grow(struct idset *s)
{
	size_t i, cap = s->cap ? s->cap * 2 : 64;
	uint64_t *slot;

	if (cap > SIZE_MAX / sizeof(*slot) / 2)
		return CONVO_ENOMEM;
	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->slot[i] != 0)
			put(slot, cap, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

int
idset_add(struct idset *s, uint64_t h)
{
	size_t i;
	int rc;

	if (h == 0)
		h = 1;
	if ((s->n + 1) * 2 > s->cap && (rc = grow(s)) != 0)
		return rc;
	i = (size_t)(h & (s->cap - 1));
	while (s->slot[i] != 0) {
		if (s->slot[i] == h)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = h;
	s->n++;
	return 1;
}
