#!/usr/bin/env python3
"""tests/inert_check.py: checks that a rendering passes nothing on that
could act on a terminal or a reader, with nothing but Python's standard
library.

    python3 tests/inert_check.py [[--text | --json | --json-escaped |
                                   --markdown | --csv | --email] FILE...]...

An option says how to read the files after it, up to the next option;
--text, the default, reads them as plain text.

For each FILE it checks that:
  - the bytes are UTF-8 (with --email: 7-bit ASCII, lines ending CRLF);
  - no character is a control but tab and line feed (C0, DEL, C1: ESC,
    BEL, CR, NEL, CSI, ...), a line or paragraph separator (U+2028,
    U+2029) or a bidi embedding, override or isolate (U+202A to U+202E,
    U+2066 to U+2069), any of which could rewrite a terminal or show
    text reordered;
  - with --json, the text is one JSON value and no string in it holds
    such a character either (a transcript replaces them); with
    --json-escaped it may, escaped (convo-list and convo-stats keep them
    as \\u escapes), so only the raw text is checked, and that it parses;
  - with --markdown, no '<' opens anything but an autolink <http...>,
    so no raw HTML reaches a Markdown renderer;
  - with --csv, a CR is allowed before a line feed (RFC 4180 rows);
  - with --email, the same of every decoded header value and part.

Prints "FILE:LINE:COL: what" for each fault (the first five of a file,
then a count) and exits 1 if there was any, else prints nothing and
exits 0.
"""
import json
import re
import sys
import unicodedata
from email import policy
from email.parser import BytesParser

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"
                 "\u202a-\u202e\u2066-\u2069]")
RAW_HTML = re.compile(r"<(?!https?://[^\s<>]*>)")
MAX_SHOWN = 5


def name_of(c):
    return "U+%04X %s" % (ord(c), unicodedata.name(c, "control"))


def position(text, i):
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


def char_faults(where, text, extra=None):
    faults = []
    for m in BAD.finditer(text):
        line, col = position(text, m.start())
        faults.append("%s:%d:%d: %s" % (where, line, col,
                                        name_of(m.group())))
    if extra is not None:
        for m in extra.finditer(text):
            line, col = position(text, m.start())
            faults.append("%s:%d:%d: raw HTML" % (where, line, col))
    return faults


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)


def email_faults(name, raw):
    try:
        raw.decode("ascii")
    except UnicodeDecodeError as e:
        return ["%s: a non-ASCII byte at %d" % (name, e.start)]
    faults = []
    if re.search(rb"\r(?!\n)|(?<!\r)\n", raw):
        faults.append("%s: a lone CR or LF" % name)
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    for k, v in msg.items():
        faults += char_faults("%s: %s" % (name, k), str(v))
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            faults += char_faults("%s: %s" % (name, part.get_content_type()),
                                  part.get_content().replace("\r\n", "\n"))
    return faults


def check(name, data, mode):
    if mode == "--email":
        return email_faults(name, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["%s: not UTF-8 at byte %d" % (name, e.start)]
    if mode == "--csv":
        text = text.replace("\r\n", "\n")
    faults = char_faults(name, text,
                         RAW_HTML if mode == "--markdown" else None)
    if mode in ("--json", "--json-escaped"):
        try:
            doc = json.loads(text)
        except ValueError as e:
            return faults + ["%s: not JSON: %s" % (name, e)]
        if mode == "--json":
            for s in strings(doc):
                faults += char_faults("%s: string %r" % (name, s[:20]), s)
    return faults


def main(argv):
    modes = ("--text", "--json", "--json-escaped", "--markdown", "--csv",
             "--email")
    mode, bad, files = "--text", 0, 0
    for a in argv:
        if a in modes:
            mode = a
            continue
        if a.startswith("--"):
            files = 0
            break
        files += 1
        try:
            with open(a, "rb") as fp:
                faults = check(a, fp.read(), mode)
        except OSError as e:
            faults = ["%s: cannot read: %s" % (a, e.strerror)]
        for line in faults[:MAX_SHOWN]:
            print(line)
        if len(faults) > MAX_SHOWN:
            print("%s: %d more" % (a, len(faults) - MAX_SHOWN))
        bad += len(faults)
    if files == 0:
        sys.stderr.write("usage: inert_check.py [[--text | --json | "
                         "--json-escaped | --markdown | --csv | --email] "
                         "FILE...]...\n")
        return 64
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
