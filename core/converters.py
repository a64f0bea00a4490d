"""Path converters for ids in URLs.

Django's `<int:…>` accepts any number of digits; a 20-digit id then reaches the database, which cannot
hold it (SQLite: OverflowError, PostgreSQL: "integer out of range"), and the visitor gets a 500.
`<id:…>` matches only what a primary key can be (1 to 18 digits, below 2**63), anything else is a 404.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


def register():
    """Idempotent: the URL modules that use `<id:…>` call it before their patterns."""
    register_converter(IdConverter, "id")
