/*
 * store_schema.c: the database schema, one table to a paragraph and one
 * column to a comment, and the migrations that PRAGMA user_version
 * selects.  The schema is public: analysts query it with sqlite3, and
 * convo(7) documents it.  Times are Unix milliseconds, UTC.
 */
#include <stddef.h>

#include "store.h"

/* Version 1: the first schema. */
static const char schema_v1[] =
/*
 * The import log: one row per file imported and one per deletion.  It
 * never holds conversation content.
 */
"CREATE TABLE import ("
"  id INTEGER PRIMARY KEY,"
"  kind TEXT NOT NULL DEFAULT 'import'"	/* 'import' or 'delete' */
"    CHECK (kind = 'import' OR kind = 'delete'),"
"  at INTEGER NOT NULL,"		/* when it ran */
"  file TEXT,"				/* the file as named, '-' for stdin */
"  size INTEGER,"			/* bytes read */
"  sha256 TEXT,"			/* hex SHA-256 of the bytes read */
"  format TEXT,"			/* json, events, csv, text */
"  conversations_new INTEGER NOT NULL DEFAULT 0,"
"  conversations_updated INTEGER NOT NULL DEFAULT 0,"	/* imports; */
"  messages_new INTEGER NOT NULL DEFAULT 0,"	/* deletions: version 2 */
"  skipped INTEGER NOT NULL DEFAULT 0,"	/* bad records left out */
"  selector TEXT"			/* deletions: id, user, older-than N */
");"
/*
 * Users (visitors).  A conversation without a user stands for its own
 * user: anonymous = 1 and token = source '/' conversation id.
 */
"CREATE TABLE user ("
"  id INTEGER PRIMARY KEY,"
"  token TEXT NOT NULL,"		/* visitor token, contact or user id */
"  anonymous INTEGER NOT NULL DEFAULT 0,"	/* 1: no user was given */
"  first_seen INTEGER,"		/* start of the user's first conversation */
"  UNIQUE (anonymous, token)"
");"
"CREATE INDEX user_first_seen ON user (first_seen);"
/*
 * Conversations.  The stated fields come from the exports; the rollups
 * after them are recomputed from the conversation's messages, events and
 * leads whenever an import touches it, so that convo-stats reads one row
 * per conversation instead of its messages.
 */
"CREATE TABLE conversation ("
"  id INTEGER PRIMARY KEY,"
"  ext_id TEXT NOT NULL,"		/* the exporting system's id */
"  source TEXT NOT NULL DEFAULT '',"	/* channel; '' when none was given */
"  user_id INTEGER NOT NULL REFERENCES user (id),"
"  assistant TEXT,"			/* the bot that handled it */
"  device TEXT,"
"  browser TEXT,"
"  country TEXT,"
"  region TEXT,"
"  city TEXT,"
"  status TEXT NOT NULL DEFAULT 'active'"
"    CHECK (status = 'active' OR status = 'ended'),"
"  started_at INTEGER NOT NULL,"	/* stated, else first message or event */
"  stated_started_at INTEGER,"		/* started_at as an export gave it */
"  ended_at INTEGER,"			/* NULL while active */
"  end_reason TEXT,"			/* user, agent, stale, ... */
"  csat INTEGER CHECK (csat BETWEEN 1 AND 5),"	/* the latest vote */
"  csat_offered INTEGER NOT NULL DEFAULT 0,"	/* 1: a survey was offered */
"  stated_input_tokens INTEGER,"	/* usage as the export stated it */
"  stated_output_tokens INTEGER,"
"  stated_cost REAL,"
"  input_tokens INTEGER NOT NULL DEFAULT 0,"	/* stated, else the */
"  output_tokens INTEGER NOT NULL DEFAULT 0,"	/* sum over messages */
"  cost REAL NOT NULL DEFAULT 0,"
"  import_id INTEGER,"			/* the import that created it */
"  n_user INTEGER NOT NULL DEFAULT 0,"	/* user messages, typed or clicked */
"  n_assistant INTEGER NOT NULL DEFAULT 0,"	/* assistant messages */
"  n_agent INTEGER NOT NULL DEFAULT 0,"	/* human agent messages */
"  n_system INTEGER NOT NULL DEFAULT 0,"	/* system lines */
"  n_typed INTEGER NOT NULL DEFAULT 0,"	/* user messages typed */
"  n_clicks INTEGER NOT NULL DEFAULT 0,"	/* user messages that are clicks */
"  n_fallbacks INTEGER NOT NULL DEFAULT 0,"	/* assistant fallbacks */
"  n_not_understood INTEGER NOT NULL DEFAULT 0,"	/* typed, got a fallback */
"  n_handovers INTEGER NOT NULL DEFAULT 0,"	/* handover requests */
"  n_handover_direct INTEGER NOT NULL DEFAULT 0,"
"  n_handover_after_fallback INTEGER NOT NULL DEFAULT 0,"
"  n_handover_operator_button INTEGER NOT NULL DEFAULT 0,"
"  n_feedback_up INTEGER NOT NULL DEFAULT 0,"	/* thumbs on responses */
"  n_feedback_down INTEGER NOT NULL DEFAULT 0,"
"  n_leads INTEGER NOT NULL DEFAULT 0,"
"  first_message_at INTEGER,"		/* first non-system message */
"  last_message_at INTEGER,"		/* last non-system message */
"  last_activity_at INTEGER,"		/* last message or event of any kind */
"  first_user_at INTEGER,"		/* first user message */
"  last_user_at INTEGER,"		/* last user message */
"  first_response_ms INTEGER,"		/* first user message to first reply */
"  first_handover_at INTEGER,"		/* first handover request */
"  agent_pickup_ms INTEGER,"		/* that request to the next agent message */
"  last_role TEXT,"			/* role of the last non-system message */
"  last_fallback INTEGER NOT NULL DEFAULT 0,"	/* that message is a fallback */
"  opening_message_id INTEGER,"		/* first typed user message */
"  UNIQUE (ext_id, source)"
");"
"CREATE INDEX conversation_started ON conversation (started_at);"
"CREATE INDEX conversation_user ON conversation (user_id, started_at);"
"CREATE INDEX conversation_activity ON conversation (status, last_activity_at);"
/*
 * Messages, in time order per conversation.  key and ts identify a
 * message across re-imports: key hashes its role, text, click and media
 * with its occurrence among identical messages at the same time.
 */
"CREATE TABLE message ("
"  id INTEGER PRIMARY KEY,"
"  conversation_id INTEGER NOT NULL"
"    REFERENCES conversation (id) ON DELETE CASCADE,"
"  ts INTEGER NOT NULL,"		/* when it was sent */
"  key INTEGER NOT NULL,"		/* identity hash, see above */
"  role TEXT NOT NULL"		/* (OR, not IN: IN costs a temp table) */
"    CHECK (role = 'user' OR role = 'assistant' OR role = 'agent'"
"    OR role = 'system'),"
"  text TEXT,"
"  click_type TEXT,"			/* quick_reply, link, button */
"  click_title TEXT,"
"  click_target TEXT,"
"  fallback INTEGER NOT NULL DEFAULT 0,"	/* assistant did not understand */
"  fallback_derived INTEGER NOT NULL DEFAULT 0,"	/* 1: set by the rules */
"  not_understood INTEGER NOT NULL DEFAULT 0,"	/* typed user message whose */
						/* reply was a fallback */
"  intent TEXT,"
"  confidence REAL,"
"  agent TEXT,"				/* AI agent or workflow */
"  feedback TEXT CHECK (feedback = 'up' OR feedback = 'down'),"
"  handover TEXT"			/* this message asked for a human */
"    CHECK (handover = 'direct' OR handover = 'after_fallback'"
"    OR handover = 'operator_button'),"
"  handover_derived INTEGER NOT NULL DEFAULT 0,"	/* 1: set by the rules */
"  media_type TEXT,"			/* image, audio, document */
"  media_name TEXT,"
"  media_url TEXT,"
"  input_tokens INTEGER,"
"  output_tokens INTEGER,"
"  cost REAL,"
"  import_id INTEGER,"			/* the import that first stored it */
"  UNIQUE (conversation_id, ts, key)"
");"
"CREATE INDEX message_ts ON message (ts, role);"
/*
 * Events of the event stream that are not messages: handover requests
 * made outside a message, feedback, CSAT votes, surveys offered and ends.
 * Their effect is also applied to the tables above.
 */
"CREATE TABLE event ("
"  id INTEGER PRIMARY KEY,"
"  conversation_id INTEGER NOT NULL"
"    REFERENCES conversation (id) ON DELETE CASCADE,"
"  ts INTEGER NOT NULL,"
"  type TEXT NOT NULL"
"    CHECK (type = 'handover' OR type = 'feedback' OR type = 'csat'"
"    OR type = 'survey' OR type = 'end'),"
"  value TEXT,"				/* kind, up/down, score, or reason */
"  message_id INTEGER"			/* the message it refers to */
"    REFERENCES message (id) ON DELETE SET NULL,"
"  import_id INTEGER"
");"
/* An event is stored once; a survey or end without a value too. */
"CREATE UNIQUE INDEX event_key"
"  ON event (conversation_id, type, ts, coalesce(value, ''));"
/*
 * Leads: contact details a visitor left.  Stated leads come from the
 * export; a derived lead (at most one per conversation) collects the
 * first e-mail address and phone number the visitor typed.
 */
"CREATE TABLE lead ("
"  id INTEGER PRIMARY KEY,"
"  conversation_id INTEGER NOT NULL"
"    REFERENCES conversation (id) ON DELETE CASCADE,"
"  created_at INTEGER NOT NULL,"
"  name TEXT,"
"  email TEXT,"
"  phone TEXT,"
"  derived INTEGER NOT NULL DEFAULT 0,"	/* 1: found in message text */
"  key INTEGER NOT NULL,"		/* identity hash of name, email, phone */
"  UNIQUE (conversation_id, key)"
");"
"CREATE INDEX lead_created ON lead (created_at);"
/* Conversation variables: name -> value, the latest value wins. */
"CREATE TABLE variable ("
"  conversation_id INTEGER NOT NULL"
"    REFERENCES conversation (id) ON DELETE CASCADE,"
"  name TEXT NOT NULL,"
"  value TEXT,"
"  source TEXT,"			/* prechat, extracted, post, csv, ... */
"  PRIMARY KEY (conversation_id, name)"
") WITHOUT ROWID;";

/*
 * Version 2: what convo-delete --forget-forever remembers, and the
 * counts of a deletion in the import log.
 */
static const char schema_v2[] =
/*
 * Conversations deleted for good: an import never creates them again.
 * Only one-way hashes of their identity are kept, never the ids, so that
 * nothing of what was deleted stays.
 */
"CREATE TABLE forgotten ("
"  key TEXT PRIMARY KEY,"		/* hex SHA-256 of source, NUL, id */
"  id_key TEXT NOT NULL,"		/* hex SHA-256 of the id alone, for */
					/* records that name no source */
"  at INTEGER NOT NULL"			/* when it was forgotten */
") WITHOUT ROWID;"
"CREATE INDEX forgotten_id ON forgotten (id_key);"
/*
 * Deleting a message looks for the events that refer to it (ON DELETE
 * SET NULL); without this index that is a scan of all events per message.
 */
"CREATE INDEX event_message ON event (message_id);"
/* A deletion's counts; zero on import rows. */
"ALTER TABLE import ADD COLUMN conversations_deleted INTEGER NOT NULL"
"  DEFAULT 0;"
"ALTER TABLE import ADD COLUMN messages_deleted INTEGER NOT NULL"
"  DEFAULT 0;"				/* system lines included */
"ALTER TABLE import ADD COLUMN users_deleted INTEGER NOT NULL"
"  DEFAULT 0;"				/* left without conversations */
"ALTER TABLE import ADD COLUMN conversations_forgotten INTEGER NOT NULL"
"  DEFAULT 0;";				/* added to forgotten */

/*
 * Version 3: convo-stats reads the messages of a period through one
 * covering index.  Every figure and breakdown over messages (counts by
 * role, not understood, fallbacks, thumbs, clicks, AI agents, traffic,
 * trend) finds all it needs in the index entry, in time order, instead of
 * fetching each message's row: a quarter less time for --all over a
 * million messages.  The columns after ts and role are NULL or short for
 * most messages, so the index grows by about 5% of the database.
 */
static const char schema_v3[] =
"DROP INDEX message_ts;"
"CREATE INDEX message_ts ON message (ts, role, conversation_id,"
"  not_understood, fallback, feedback, click_type, agent, click_title,"
"  click_target);";

/*
 * Version 4: convo-stats reads rollups, never the messages of a whole
 * period.  A period's message figures are the sums of the conversation
 * rollups above over the conversations whose messages all lie in it,
 * plus the messages of the few that straddle one of its ends; traffic
 * and trend come from the activity table below; clicks, AI agents and
 * not-understood messages from partial indexes that hold those messages
 * only; the opening questions from opening_key.  The index on the time
 * of every message goes: it cost each import more than it saved.
 */
static const char schema_v4[] =
/*
 * Messages per conversation and quarter of an hour (UTC), a rollup like
 * the conversation's: recomputed from its messages whenever an import
 * touches it.  Every zone's offset is a whole number of quarters, so
 * these add up exactly to local hours and days.  A quarter without user,
 * assistant or agent messages has no row.
 */
"CREATE TABLE activity ("
"  quarter INTEGER NOT NULL,"		/* ts / 900000 of its messages */
"  conversation_id INTEGER NOT NULL"
"    REFERENCES conversation (id) ON DELETE CASCADE,"
"  n_user INTEGER NOT NULL,"		/* user messages sent in it */
"  n_messages INTEGER NOT NULL,"	/* user, assistant, agent messages */
"  PRIMARY KEY (quarter, conversation_id)"
") WITHOUT ROWID;"
"CREATE INDEX activity_conversation ON activity (conversation_id);"
"INSERT INTO activity (quarter, conversation_id, n_user, n_messages)"
"  SELECT ts / 900000 AS q, conversation_id, sum(role = 'user'), count(*)"
"  FROM message WHERE role <> 'system' GROUP BY conversation_id, q;"
/*
 * The key of the opening question (text_key() of opening_message_id's
 * text, normalized as top_questions shows it); NULL when there is none
 * or it normalizes to nothing.
 */
"ALTER TABLE conversation ADD COLUMN opening_key INTEGER;"
"UPDATE conversation SET opening_key = (SELECT convo_text_key(m.text)"
"  FROM message m WHERE m.id = conversation.opening_message_id)"
"  WHERE opening_message_id IS NOT NULL;"
/* Clicks, named AI agents and not-understood messages, per conversation. */
"CREATE INDEX message_click ON message"
"  (conversation_id, click_type, click_title, click_target)"
"  WHERE role = 'user' AND click_type IS NOT NULL;"
"CREATE INDEX message_agent ON message (conversation_id, agent, feedback)"
"  WHERE role = 'assistant' AND agent IS NOT NULL AND agent <> '';"
"CREATE INDEX message_not_understood ON message (conversation_id, text)"
"  WHERE role = 'user' AND not_understood = 1;"
/* The WhatsApp conversations whose window may have closed, oldest first. */
"CREATE INDEX conversation_whatsapp ON conversation (last_user_at, ext_id)"
"  WHERE status = 'active' AND source = 'whatsapp';"
/* Leads of a period with their conversation, without reading the rows. */
"DROP INDEX lead_created;"
"CREATE INDEX lead_created ON lead (created_at, conversation_id);"
"DROP INDEX message_ts;";

/* migrations[i] takes a database from version i to version i + 1. */
static const char *const migrations[] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4
};

int
convo_store_schema_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *
store_migration(int from)
{
	if (from < 0 || from >= convo_store_schema_version())
		return NULL;
	return migrations[from];
}
