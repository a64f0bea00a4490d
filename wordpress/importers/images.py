"""Images: WordPress attachments (or upload addresses) found in the media folder, imported once."""

from pathlib import Path

from PIL import Image as PillowImage

from django.core.files import File
from django.utils.translation import gettext as _

from wagtail.images import get_image_model

from ..models import ImportedObject
from .base import upload_path

Kind = ImportedObject.Kind


class ImageImporter:
    kind = Kind.ATTACHMENT

    def __init__(self, run, media_dir):
        self.run = run
        self.ledger = run.ledger
        self.report = run.report
        self.media_dir = Path(media_dir) if media_dir else None
        self.images = {}  # image key → Image or None, for this run
        self.model = get_image_model()

    def resolve(self, ref):
        """The Wagtail image for a WordPress attachment or upload address: imported once, reused after."""
        attachments = self.run.attachments
        attachment = attachments.get(ref.attachment_id) if ref.attachment_id else None
        if attachment is None and ref.src:
            attachment_id = self.run.attachments_by_path.get(upload_path(ref.src))
            attachment = attachments.get(attachment_id) if attachment_id else None
        if attachment:
            key, candidates, title = attachment.wp_id, [attachment.file, upload_path(attachment.url)], attachment.title
        elif ref.src:
            path = upload_path(ref.src)
            key, candidates, title = f"path:{path}", [path], ""
        else:
            self.report.skip(self.kind, _("Anhang fehlt im Export"))
            return None
        if key in self.images:
            return self.images[key]
        image = self.import_image(key[:255], [c for c in candidates if c], title)
        self.run.undo.set(self.images, key, image)
        return image

    def import_image(self, key, candidates, title):
        entry = self.ledger.get(self.kind, key)
        if entry is not None:
            image = self.model.objects.filter(pk=entry.object_id).first()
            if image:
                self.report.count(self.kind, "unchanged")
                return image
            self.ledger.forget(self.kind, key)
        file_path = self.find_media_file(candidates)
        if file_path is None:
            self.report.skip(self.kind, _("Datei nicht im Medienordner"))
            return None
        try:
            with PillowImage.open(file_path) as check:
                check.verify()
        except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for a broken file
            self.report.skip(self.kind, _("Datei ist kein lesbares Bild"))
            return None
        if self.run.dry_run:
            # Files are not rolled back with the database: a dry run only counts the image.
            self.report.count(self.kind, "created")
            return None
        with file_path.open("rb") as handle:
            image = self.model(title=(title or file_path.stem)[:255], file=File(handle, name=file_path.name))
            image._set_image_file_metadata()
            image.save()
        self.ledger.record(self.kind, key, image, {})
        self.report.count(self.kind, "created")
        return image

    def find_media_file(self, candidates):
        if self.media_dir is None:
            return None
        root = self.media_dir.resolve()
        for candidate in candidates:
            path = (root / candidate.lstrip("/")).resolve()
            # A crafted path must not read files outside the media folder.
            if path.is_relative_to(root) and path.is_file():
                return path
        return None
