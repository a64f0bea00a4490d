"""bench/RESULTS.md: each benchmark owns one "## …" section and replaces only that one."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(heading, section):
    """Replace the section that starts with `heading` ("## Speed"), or append it; other sections stay."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    section = section.strip() + "\n\n"
    # A function as the replacement: a backslash in the figures is text, not a group reference.
    text = pattern.sub(lambda _match: section, text) if pattern.search(text) else f"{text.rstrip()}\n\n{section}"
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"Wrote the {heading.lstrip('# ')} section of {RESULTS}")
