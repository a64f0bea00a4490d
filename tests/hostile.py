"""Hostile values and an HTML parser for the attack tests: which tags a page really has, and the text
inside its <script> elements (where an injected value would run)."""

from html.parser import HTMLParser

EVIL = "\"'><script>alert(1)</script>&amp;<b onmouseover=x>ä𝔘"
MARK = "alert(1)"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.script_text = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def assert_no_injection(response):
    """The page's tags are the site's own: no event handler attribute, and no markup inside a script body
    (JSON-LD may carry a hostile text, JSON-escaped, never a tag that ends or opens one)."""
    parser = Tags()
    parser.feed(response.content.decode())
    assert not any("<" in text for text in parser.script_text), [t for t in parser.script_text if "<" in t]
    for tag, attrs in parser.tags:
        assert tag != "b" or "onmouseover" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    return parser
