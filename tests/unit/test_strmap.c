/*
 * test_strmap.c: unit tests of lib/strmap.c: lookups in an empty map,
 * copied keys, replacing a value, growth past many thousands of keys,
 * keys that differ only late, and the release callback.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static int n_freed;

static void
count_free(void *v)
{
	n_freed++;
	free(v);
}

static void
test_basics(void)
{
	struct strmap m;
	char key[8];
	int a = 1, b = 2;

	strmap_init(&m);
	ok(strmap_get(&m, "x") == NULL, "an empty map has nothing");
	ok(strmap_get(&m, "") == NULL, "  not even the empty key");
	memcpy(key, "conv-1", 7);
	is_int(strmap_put(&m, key, &a), 0, "put");
	memcpy(key, "conv-2", 7);
	ok(strmap_get(&m, "conv-1") == &a, "the key was copied, not borrowed");
	ok(strmap_get(&m, "conv-2") == NULL, "another key is not there");
	ok(strmap_get(&m, "conv-") == NULL, "  nor a prefix of one");
	is_int(strmap_put(&m, "conv-1", &b), 0, "put again");
	ok(strmap_get(&m, "conv-1") == &b, "  replaces the value");
	is_int(m.n, 1, "  and adds no key");
	is_int(strmap_put(&m, "", &a), 0, "the empty key");
	ok(strmap_get(&m, "") == &a, "  is a key like any other");
	is_int(m.n, 2, "two keys");
	strmap_release(&m, NULL);
	ok(m.n == 0 && m.cap == 0 && m.slot == NULL, "release empties");
	ok(strmap_get(&m, "conv-1") == NULL, "  and the map can be asked");
}

static void
test_many(void)
{
	struct strmap m;
	char key[32];
	size_t i, bad = 0, n = 50000;
	size_t *v;

	strmap_init(&m);
	n_freed = 0;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "a-long-common-prefix-%zu", i);
		if ((v = malloc(sizeof(*v))) == NULL ||
		    strmap_put(&m, key, v) != 0) {
			free(v);
			bad++;
			continue;
		}
		*v = i;
	}
	is_int(bad, 0, "50000 keys put");
	is_int(m.n, n, "  all counted");
	ok(m.cap >= 2 * n && (m.cap & (m.cap - 1)) == 0,
	    "  the table at most half full, a power of two");
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "a-long-common-prefix-%zu", i);
		v = strmap_get(&m, key);
		if (v == NULL || *v != i)
			bad++;
	}
	is_int(bad, 0, "each key finds its own value after growing");
	ok(strmap_get(&m, "a-long-common-prefix-50000") == NULL,
	    "a key never put is not found");
	strmap_release(&m, count_free);
	is_int(n_freed, n, "release hands every value to the callback once");
}

int
main(void)
{
	test_basics();
	test_many();
	return done_testing();
}
