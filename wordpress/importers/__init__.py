"""One importer per kind of WordPress object, over one ledger (wordpress/ledger.py)."""

from .comments import CommentImporter
from .images import ImageImporter
from .people import AuthorImporter, CategoryImporter
from .posts import PostImporter
from .redirects import RedirectImporter
from .tags import TagImporter

__all__ = [
    "AuthorImporter",
    "CategoryImporter",
    "CommentImporter",
    "ImageImporter",
    "PostImporter",
    "RedirectImporter",
    "TagImporter",
]
