#!/bin/sh
# tests/gen.sh N [FORMAT]: writes a generated export of about N messages
# to standard output, for `make bench`: conversation documents as JSON
# Lines (FORMAT json, the default), an event stream (events) or CSV (csv),
# ten messages to a conversation, with fallbacks, handovers, clicks and
# leads mixed in.  The same N always gives the same bytes.
n=${1:?usage: gen.sh N [json|events|csv]}
fmt=${2:-json}
exec awk -v n="$n" -v fmt="$fmt" '
function iso(t) { return strftime("%Y-%m-%dT%H:%M:%SZ", t, 1) }
function msg(role, text, extra) {
	t += 3 + (k++ % 17)
	if (fmt == "csv")
		printf "c%d,%s,%s,\"%s\",%s\n", c, iso(t), role, text, extra == "" ? "," : "quick_reply,Track parcel"
	else if (fmt == "events")
		printf "{\"conversation\":\"c%d\",\"ts\":\"%s\",\"type\":\"message\",\"role\":\"%s\",\"text\":\"%s\"%s}\n", c, iso(t), role, text, extra
	else
		printf "%s{\"ts\":\"%s\",\"role\":\"%s\",\"text\":\"%s\"%s}", (m++ ? "," : ""), iso(t), role, text, extra
}
BEGIN {
	split("web_widget whatsapp api voice test_chat", src, " ")
	split("Hello, I need help with my order|Where is my parcel?|Can I change my delivery address?|What are your opening hours?|I want to cancel my subscription|How much does shipping to Austria cost?", q, "|")
	t = 1793491200	# 2026-11-01T00:00:00Z
	if (fmt == "csv")
		print "conversation_id,timestamp,role,text,click_type,click_title"
	for (c = 0; c * 10 < n; c++) {
		t += 97
		s = src[c % 5 + 1]
		m = 0
		if (fmt == "csv")
			;
		else if (fmt == "events")
			printf "{\"conversation\":\"c%d\",\"ts\":\"%s\",\"type\":\"start\",\"user\":\"u%d\",\"source\":\"%s\",\"assistant\":\"shop-bot\"}\n", c, iso(t), c % 7919, s
		else
			printf "{\"id\":\"c%d\",\"user\":\"u%d\",\"source\":\"%s\",\"assistant\":\"shop-bot\",\"location\":{\"country\":\"DE\",\"city\":\"Berlin\"},\"messages\":[", c, c % 7919, s
		msg("user", q[c % 6 + 1] " (ref " c ")", "")
		if (c % 4 == 0)
			msg("assistant", "Sorry, I didn'"'"'t understand that. Could you rephrase?", "")
		else
			msg("assistant", "Of course! Let me look that up for you, it takes a second.", ",\"feedback\":\"up\"")
		msg("user", "It is about order number " c * 7, "")
		msg("assistant", "Thanks. Your order is on its way and should arrive within two working days.", "")
		if (c % 5 == 0) {
			msg("user", "I would like to talk to a human please", "")
			msg("system", "Anna joined the conversation", "")
			msg("agent", "Hi, this is Anna. How can I help?", "")
		} else {
			msg("user", "", ",\"click\":{\"type\":\"quick_reply\",\"title\":\"Track parcel\"}")
			msg("assistant", "Here is your tracking link: https://example.com/track/" c, "")
			msg("user", "Great, thank you!", "")
		}
		msg("user", (c % 9 == 0 ? "Mail me at user" c "@example.com" : "Bye"), "")
		msg("assistant", "You are welcome. Have a nice day!", "")
		msg("user", "Bye bye", "")
		if (fmt == "json")
			printf "]}\n"
	}
}'
