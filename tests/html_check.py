#!/usr/bin/env python3
"""tests/html_check.py: a strict well-formedness and safety check of an
HTML page, with nothing but Python's standard library (html.parser).

    python3 tests/html_check.py [--fragment] FILE...

For each FILE (- for standard input) it checks that:
  - the bytes are UTF-8, and the page starts with <!DOCTYPE html>
    (not with --fragment);
  - every element is closed, in order (no optional end tags left out),
    void elements (br, img, meta, ...) have no end tag, and nothing is
    left open at the end;
  - attribute values are quoted and no attribute is given twice;
  - text holds no raw '<' (it must be &lt;);
  - there is no <script>, <iframe>, <object>, <embed>, <base> or <form>,
    no on* event attribute, no javascript:, vbscript: or data: URL in
    any href, src, action, formaction, xlink:href or poster;
  - nothing is fetched from elsewhere: no src, no <link href>, no url()
    or @import in a <style> or style attribute (links to follow, <a
    href>, are fine).

Prints "FILE:LINE:COL: what is wrong" for each fault and exits 1 if there
was any, else prints nothing and exits 0.
"""
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "object", "embed", "base", "form",
             "frame", "frameset", "applet"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster",
             "srcset", "background", "cite", "data"}
RESOURCE_ATTRS = {"src", "srcset", "background", "poster", "data"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
ATTR = re.compile(r"""\s+([^\s"'>/=]+)(\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


class Checker(HTMLParser):
    def __init__(self, name):
        # Raw text, so that an escaped &lt; is told from a raw <.
        super().__init__(convert_charrefs=False)
        self.name = name
        self.stack = []
        self.faults = []
        self.in_style = False

    def fault(self, what):
        line, col = self.getpos()
        self.faults.append("%s:%d:%d: %s" % (self.name, line, col + 1, what))

    def check_url(self, tag, attr, value):
        # Browsers ignore white space and controls in a scheme.
        v = re.sub(r"[\x00-\x20]", "", value or "")
        if BAD_SCHEME.match(v):
            self.fault("<%s %s> has a %s URL" % (tag, attr, v.split(":")[0]))
        if attr in RESOURCE_ATTRS or (tag == "link" and attr == "href"):
            self.fault("<%s %s> loads a resource" % (tag, attr))

    def check_css(self, css):
        if re.search(r"url\s*\(|@import|expression\s*\(", css, re.I):
            self.fault("CSS that loads a resource or runs code")

    def check_attrs(self, tag, attrs):
        raw = self.get_starttag_text() or ""
        seen = set()
        for m in ATTR.finditer(raw[len(tag) + 1:].rstrip("/>")):
            name, value = m.group(1).lower(), m.group(3)
            if value is not None and value[0] not in "\"'":
                self.fault("<%s %s> has an unquoted value" % (tag, name))
            if name in seen:
                self.fault("<%s> has %s twice" % (tag, name))
            seen.add(name)
        for name, value in attrs:
            if name.startswith("on"):
                self.fault("<%s> has an event attribute %s" % (tag, name))
            if name in URL_ATTRS:
                self.check_url(tag, name, value)
            if name == "style":
                self.check_css(value or "")

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN:
            self.fault("<%s> is not allowed" % tag)
        self.check_attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
        self.in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.fault("<%s/> is not a void element" % tag)
        if tag in FORBIDDEN:
            self.fault("<%s> is not allowed" % tag)
        self.check_attrs(tag, attrs)

    def handle_endtag(self, tag):
        self.in_style = False
        if tag in VOID:
            self.fault("</%s>: a void element has no end tag" % tag)
            return
        if not self.stack:
            self.fault("</%s> closes nothing" % tag)
            return
        top, (line, col) = self.stack[-1]
        if top != tag:
            self.fault("</%s> closes <%s> of %d:%d" % (tag, top, line,
                                                       col + 1))
            if any(t == tag for t, _ in self.stack):
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.in_style:
            self.check_css(data)
        elif "<" in data:
            self.fault("a raw '<' in text")

    def handle_pi(self, data):
        self.fault("a processing instruction")

    def unknown_decl(self, data):
        self.fault("an unknown declaration")


def check(name, data, fragment):
    faults = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["%s: not UTF-8 at byte %d" % (name, e.start)]
    if not fragment and not re.match(r"<!DOCTYPE html>", text, re.I):
        faults.append("%s:1:1: no <!DOCTYPE html> at the start" % name)
    c = Checker(name)
    c.feed(text)
    c.close()
    faults += c.faults
    for tag, (line, col) in c.stack:
        faults.append("%s:%d:%d: <%s> is never closed" % (name, line,
                                                          col + 1, tag))
    return faults


def main(argv):
    fragment = "--fragment" in argv
    files = [a for a in argv if a != "--fragment"]
    if not files:
        sys.stderr.write("usage: html_check.py [--fragment] FILE...\n")
        return 64
    faults = []
    for f in files:
        try:
            if f == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(f, "rb") as fp:
                    data = fp.read()
        except OSError as e:
            faults.append("%s: cannot read: %s" % (f, e.strerror))
            continue
        faults += check(f, data, fragment)
    for line in faults:
        print(line)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
