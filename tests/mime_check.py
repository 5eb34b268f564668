#!/usr/bin/env python3
"""tests/mime_check.py: reads an e-mail back with Python's own parser
(email.parser, policy=email.policy.default), independent of convo's
writer, and checks it.

    python3 tests/mime_check.py MESSAGE.eml TEXT HTML

Checks, each fault printed as "MESSAGE: what is wrong":
  - the raw message: 7-bit ASCII, every line ends in CRLF (no lone CR or
    LF), no line longer than 998 octets;
  - From, To, Subject, Date, Message-ID and MIME-Version each appear
    exactly once, without defects, and no other header but Content-Type
    (so nothing was injected); no decoded header value holds a CR,
    LF or NUL; the Date parses; MIME-Version is 1.0;
  - the body is multipart/alternative with exactly two parts, text/plain
    then text/html, both charset UTF-8, quoted-printable or base64;
  - the decoded parts equal the files TEXT and HTML (line ends aside).

Then prints the decoded header fields, one per line (Name: value), and
the parts' types, so that a test can compare them; exits 1 if any check
failed.
"""
import sys
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

REQUIRED = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version"]


def raw_faults(raw):
    faults = []
    try:
        raw.decode("ascii")
    except UnicodeDecodeError as e:
        faults.append("a non-ASCII byte at %d" % e.start)
    lines = raw.split(b"\r\n")
    if lines[-1] != b"":
        faults.append("the last line does not end in CRLF")
    for i, line in enumerate(lines, 1):
        if b"\r" in line or b"\n" in line:
            faults.append("line %d has a lone CR or LF" % i)
        if len(line) > 998:
            faults.append("line %d is %d octets long" % (i, len(line)))
    return faults


def header_faults(msg):
    faults = []
    for name in msg.keys():
        if name not in REQUIRED + ["Content-Type"]:
            faults.append("unexpected header %s" % name)
    for name in REQUIRED:
        values = msg.get_all(name) or []
        if len(values) != 1:
            faults.append("%s appears %d times" % (name, len(values)))
            continue
        v = values[0]
        if getattr(v, "defects", None):
            faults.append("%s: %s" % (name, v.defects))
        if any(c in str(v) for c in "\r\n\0"):
            faults.append("%s holds a CR, LF or NUL" % name)
    if msg["Date"] is not None:
        try:
            parsedate_to_datetime(str(msg["Date"]))
        except (TypeError, ValueError):
            faults.append("Date does not parse")
    if str(msg["MIME-Version"]) != "1.0":
        faults.append("MIME-Version is not 1.0")
    return faults


def part_faults(msg, text, html):
    faults = []
    if msg.get_content_type() != "multipart/alternative":
        return ["the body is %s" % msg.get_content_type()]
    parts = list(msg.iter_parts())
    types = [p.get_content_type() for p in parts]
    if types != ["text/plain", "text/html"]:
        return ["the parts are %s" % types]
    for p, want in zip(parts, [text, html]):
        t = p.get_content_type()
        if (p.get_content_charset() or "").lower() != "utf-8":
            faults.append("%s is not UTF-8" % t)
        cte = p.get("Content-Transfer-Encoding", "").lower()
        if cte not in ("quoted-printable", "base64"):
            faults.append("%s is encoded %s" % (t, cte))
        got = p.get_content().replace("\r\n", "\n")
        if got != want:
            faults.append("%s differs from its file" % t)
    return faults


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: mime_check.py MESSAGE TEXT HTML\n")
        return 64
    try:
        with open(argv[0], "rb") as fp:
            raw = fp.read()
        with open(argv[1], encoding="utf-8") as fp:
            text = fp.read()
        with open(argv[2], encoding="utf-8") as fp:
            html = fp.read()
    except (OSError, UnicodeDecodeError) as e:
        print("%s: cannot read: %s" % (argv[0], e))
        return 66
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    faults = raw_faults(raw) + header_faults(msg)
    faults += part_faults(msg, text, html)
    for f in faults:
        print("%s: %s" % (argv[0], f))
    for name in REQUIRED:
        print("%s: %s" % (name, msg[name]))
    print("parts: %s" % " ".join(p.get_content_type()
                                 for p in msg.walk()))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
