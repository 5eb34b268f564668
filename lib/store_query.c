/*
 * store_query.c: binds a struct convo_query to the named parameters of
 * the filter fragments in store.h, so that every figure, breakdown and
 * list applies the same period and filters in the same way.
 */
#include "store.h"

static void
bind_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);

	if (i > 0)
		store_bind_text(s, i, v);
}

static void
bind_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);

	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

void
store_bind_query(sqlite3_stmt *s, const struct convo_query *q)
{
	bind_int(s, ":since", q->since);
	bind_int(s, ":until", q->until);
	bind_text(s, ":source", q->source);
	bind_text(s, ":assistant", q->assistant);
	bind_text(s, ":status", q->status);
	bind_text(s, ":user", q->user);
	bind_int(s, ":include_test", q->include_test != 0);
	bind_int(s, ":now", q->now);
	bind_int(s, ":reopen_window", q->reopen_window_ms);
	bind_text(s, ":device", q->device);
	bind_text(s, ":browser", q->browser);
	bind_text(s, ":country", q->country);
	bind_text(s, ":region", q->region);
}
