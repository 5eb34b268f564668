#!/usr/bin/env python3
"""tests/report_check.py: checks an HTML report of convo-stats --html, or
the DOM that a browser dumped from it, with Python's html.parser.

    python3 tests/report_check.py FILE [TAG.CLASS | TAG#ID | TAG ...]

Checks that every element is closed in order (void elements aside), that
no id is used twice, that there is no script, no event handler attribute
and nothing loaded from elsewhere (src, href, url(), @import), and that
every <svg> has role="img", an aria-label and a <title>.  Each problem
is printed as "report_check: FILE:LINE:COL: what" and makes the exit
status 1.  Then it prints, for each selector given, the selector and how
many elements match it, one a line ("rect.cell 168"), for the test to
compare.
"""
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets one leave out; the report never does,
# but a browser's serialization may, so they are closed when implied.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody"}
EXTERNAL = re.compile(r"url\(|@import|\b(?:https?|ftp):|^//", re.I)


class Checker(HTMLParser):
    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.stack = []          # (tag, line, col, attrs) of open elements
        self.problems = []
        self.ids = {}
        self.elements = []       # (tag, classes, id) of every element
        self.svg_titles = []     # per open <svg>: has it a <title>?
        self.in_style = False

    def problem(self, what):
        line, col = self.getpos()
        self.problems.append("report_check: %s:%d:%d: %s" %
                             (self.name, line, col + 1, what))

    def attributes(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if k.startswith("on"):
                self.problem("event handler attribute '%s'" % k)
            if k in ("src", "href", "xlink:href", "action") and v:
                if not v.startswith("#"):
                    self.problem("%s loads '%s'" % (k, v))
            if k == "style" and v and EXTERNAL.search(v):
                self.problem("style loads from elsewhere: '%s'" % v)
        if "id" in a:
            if a["id"] in self.ids:
                self.problem("id '%s' used twice" % a["id"])
            self.ids[a["id"]] = True
        if tag == "script":
            self.problem("a script")
        if tag == "svg" and (a.get("role") != "img" or
                             not a.get("aria-label")):
            self.problem("svg without role=\"img\" and an aria-label")
        self.elements.append((tag, (a.get("class") or "").split(),
                              a.get("id")))

    def handle_starttag(self, tag, attrs):
        self.attributes(tag, attrs)
        if tag == "title" and self.svg_titles:
            self.svg_titles[-1] = True
        if tag in VOID:
            return
        line, col = self.getpos()
        self.stack.append((tag, line, col))
        if tag == "svg":
            self.svg_titles.append(False)
        self.in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.attributes(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while (self.stack and self.stack[-1][0] != tag and
               self.stack[-1][0] in OPTIONAL_END):
            self.stack.pop()
        if not self.stack or self.stack[-1][0] != tag:
            self.problem("</%s> closes <%s>" %
                         (tag, self.stack[-1][0] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "svg" and not self.svg_titles.pop():
            self.problem("svg without a <title>")
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and EXTERNAL.search(data):
            self.problem("the style sheet loads from elsewhere")

    def count(self, selector):
        tag, _, cls = selector.partition(".")
        tag, _, ident = tag.partition("#")
        return sum(1 for t, c, i in self.elements
                   if t == tag and (not cls or cls in c) and
                   (not ident or i == ident))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: report_check.py file [selector ...]\n")
        return 64
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    c = Checker(argv[1])
    c.feed(text)
    c.close()
    if not text.lstrip().lower().startswith("<!doctype html>") and \
            not text.lstrip().lower().startswith("<html"):
        c.problems.append("report_check: %s: not an HTML document" % argv[1])
    for tag, line, col in c.stack:
        if tag not in OPTIONAL_END and tag not in ("html", "head", "body"):
            c.problems.append("report_check: %s:%d:%d: <%s> is never closed"
                              % (argv[1], line, col + 1, tag))
    for p in c.problems:
        print(p)
    for s in argv[2:]:
        print("%s %d" % (s, c.count(s)))
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
