"""The editors' guide in German inside the admin ("Hilfe" → "Anleitung für die Redaktion"): it replaces
Wagtail's links to its English guide and release notes in the help menu."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class EditorGuideView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "admin/editor_guide.html"
    page_title = _("Anleitung für die Redaktion")
    header_icon = "help"
