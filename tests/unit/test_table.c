/*
 * test_table.c: the table renderer: alignment, null cells, cutting to a
 * width, CSV quoting, TSV flattening and JSON escaping, each compared
 * with its exact output.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define FFFD "\xef\xbf\xbd"

/* Renders t as how into a string the caller frees. */
static char *
render(const struct convo_table *t, enum convo_output how, size_t width)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	convo_table_print(fp, t, how, width);
	fclose(fp);
	return s;
}

static struct convo_table *
sample(void)
{
	static const char *const names[] = { "source", "chats", "note" };
	struct convo_table *t;

	convo_table_new(&t, 3, names);
	convo_table_set_kind(t, 1, CONVO_CELL_NUMBER);
	convo_table_add_row(t);
	convo_table_set(t, 0, "web_widget");
	convo_table_setf(t, 1, "%d", 12);
	convo_table_set(t, 2, "says \"hi\", then\nleaves");
	convo_table_add_row(t);
	convo_table_set(t, 0, "whatsapp");
	convo_table_setf(t, 1, "%d", 3);
	convo_table_set(t, 2, "grüß\tdich");
	convo_table_add_row(t);
	convo_table_set(t, 0, "voice");
	return t;
}

static void
check(struct convo_table *t, enum convo_output how, size_t width,
    const char *want, const char *name)
{
	char *got = render(t, how, width);

	is_str(got, want, name);
	free(got);
}

/*
 * Cells another tool stored: a bad byte, ESC, CR, DEL, a C1 control (NEL)
 * and RLO.  For people and in CSV and TSV they are U+FFFD (line ends and
 * tabs as the format allows); JSON says each character as an escape, and
 * the bad byte, which it cannot say, as U+FFFD.
 */
static void
hostile(void)
{
	static const char *const names[] = { "user", "n" };
	struct convo_table *t;

	convo_table_new(&t, 2, names);
	convo_table_set_kind(t, 1, CONVO_CELL_NUMBER);
	convo_table_add_row(t);
	convo_table_set(t, 0, "a\xff\x1b[2J\r\nb\x7f\xc2\x85" "c\xe2\x80\xae" "d");
	convo_table_set(t, 1, "1");
	check(t, CONVO_OUT_TABLE, 0,
	    "user            n\n"
	    "a" FFFD FFFD "[2J" FFFD " b" FFFD FFFD "c" FFFD "d  1\n",
	    "table: bad bytes, controls and RLO are U+FFFD");
	check(t, CONVO_OUT_CSV, 0,
	    "user,n\r\n"
	    "\"a" FFFD FFFD "[2J" FFFD "\nb" FFFD FFFD "c" FFFD "d\",1\r\n",
	    "csv: the same, the line end kept in quotes");
	check(t, CONVO_OUT_TSV, 0,
	    "user\tn\n"
	    "a" FFFD FFFD "[2J" FFFD " b" FFFD FFFD "c" FFFD "d\t1\n",
	    "tsv: the same, the line end a space");
	check(t, CONVO_OUT_JSON, 0,
	    "[\n  {\"user\": \"a" FFFD "\\u001b[2J\\r\\nb\\u007f\\u0085"
	    "c\\u202ed\", \"n\": 1}\n]\n",
	    "json: escapes, the bad byte U+FFFD");
	convo_table_free(t);
}

int
main(void)
{
	struct convo_table *t = sample();
	struct convo_table *empty, *ctl;
	static const char *const one[] = { "id" };

	is_int(convo_table_rows(t), 3, "three rows");
	is_str(convo_table_cell(t, 1, 0), "whatsapp", "a cell");
	ok(convo_table_cell(t, 2, 1) == NULL, "an unset cell is null");
	ok(convo_table_cell(t, 3, 0) == NULL, "out of range is null");
	check(t, CONVO_OUT_TABLE, 0,
	    "source      chats  note\n"
	    "web_widget     12  says \"hi\", then leaves\n"
	    "whatsapp        3  grüß dich\n"
	    "voice           -  -\n",
	    "table: aligned, numbers right, controls flattened, null as -");
	/* Found by fuzz_report_print: DEL was printed as it was. */
	if (convo_table_new(&ctl, 1, one) == 0) {
		convo_table_add_row(ctl);
		convo_table_set(ctl, 0, "a\177b\033c");
		check(ctl, CONVO_OUT_TABLE, 0,
		    "id\na\xef\xbf\xbd" "b\xef\xbf\xbd" "c\n",
		    "table: DEL is U+FFFD like the other controls");
		convo_table_free(ctl);
	}
	check(t, CONVO_OUT_TABLE, 30,
	    "source      chats  note\n"
	    "web_widget     12  says \"hi...\n"
	    "whatsapp        3  grüß dich\n"
	    "voice           -  -\n",
	    "table: the last column is cut to the width");
	check(t, CONVO_OUT_TABLE, 22,
	    "source    chats  note\n"
	    "web_w...     12  says \"h...\n"
	    "whatsapp      3  grüß dich\n"
	    "voice         -  -\n",
	    "table: then the widest other text column, down to 8");
	convo_table_set_kind(t, 0, CONVO_CELL_FIXED);
	check(t, CONVO_OUT_TABLE, 22,
	    "source      chats  note\n"
	    "web_widget     12  says \"h...\n"
	    "whatsapp        3  grüß dich\n"
	    "voice           -  -\n",
	    "table: a fixed column is never cut");
	convo_table_set_kind(t, 0, CONVO_CELL_TEXT);
	check(t, CONVO_OUT_CSV, 0,
	    "source,chats,note\r\n"
	    "web_widget,12,\"says \"\"hi\"\", then\nleaves\"\r\n"
	    "whatsapp,3,grüß\tdich\r\n"
	    "voice,,\r\n",
	    "csv: RFC 4180 quoting, null empty");
	check(t, CONVO_OUT_TSV, 0,
	    "source\tchats\tnote\n"
	    "web_widget\t12\tsays \"hi\", then leaves\n"
	    "whatsapp\t3\tgrüß dich\n"
	    "voice\t\t\n",
	    "tsv: tabs and line ends become spaces");
	check(t, CONVO_OUT_JSON, 0,
	    "[\n"
	    "  {\"source\": \"web_widget\", \"chats\": 12, \"note\": "
	    "\"says \\\"hi\\\", then\\nleaves\"},\n"
	    "  {\"source\": \"whatsapp\", \"chats\": 3, \"note\": "
	    "\"grüß\\tdich\"},\n"
	    "  {\"source\": \"voice\", \"chats\": null, \"note\": null}\n"
	    "]\n",
	    "json: escaped strings, numbers bare, null");
	convo_table_free(t);

	/* A blank line would be no row at all to a CSV reader. */
	convo_table_new(&empty, 1, one);
	convo_table_add_row(empty);
	convo_table_set(empty, 0, "c1");
	convo_table_add_row(empty);
	convo_table_set(empty, 0, "");
	convo_table_add_row(empty);
	check(empty, CONVO_OUT_CSV, 0, "id\r\nc1\r\n\"\"\r\n\"\"\r\n",
	    "csv: an empty or null cell alone on its row is quoted");
	convo_table_free(empty);

	hostile();

	convo_table_new(&empty, 1, one);
	check(empty, CONVO_OUT_JSON, 0, "[]\n", "json: an empty table");
	check(empty, CONVO_OUT_TABLE, 0, "id\n", "table: header only");
	is_int(convo_table_set(empty, 0, "x"), CONVO_EUSAGE,
	    "setting a cell before any row is refused");
	convo_table_free(empty);
	convo_table_free(NULL);
	return done_testing();
}
