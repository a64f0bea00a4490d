"""What the WordPress import created, keyed on WordPress ids: makes a second run change nothing."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedObject(models.Model):
    """One WordPress object (author, category, tag, post, comment, attachment) and what it became here.

    `extra` keeps what only the import needs: the content hash that tells an unchanged item from a
    changed one, the WordPress login of an author (for the /author/<login>/ redirect), the WordPress
    parent of a category, the revision the import last saved.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Autor(in)")
        CATEGORY = "category", _("Kategorie")
        TAG = "tag", _("Schlagwort")
        POST = "post", _("Beitrag")
        COMMENT = "comment", _("Kommentar")
        ATTACHMENT = "attachment", _("Bild")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    # WordPress ids are numbers; images found only by their path are keyed on the path.
    wp_id = models.CharField(_("WordPress-ID"), max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    extra = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(_("Importiert am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Aktualisiert am"), auto_now=True)

    # Bookkeeping of the import, not content: Wagtail's "usage" index has no business with it.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("Importiertes WordPress-Objekt")
        verbose_name_plural = _("Importierte WordPress-Objekte")
        constraints = [models.UniqueConstraint(fields=["kind", "wp_id"], name="unique_wordpress_object")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.kind} {self.wp_id}"
