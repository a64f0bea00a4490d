"""What every app shares: the site-wide settings (Einstellungen → Website-Einstellungen)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField


class FooterLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Beschriftung"))
    page = blocks.PageChooserBlock(label=_("Seite"), required=False)
    url = blocks.URLBlock(label=_("Oder Adresse"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the site calls itself and what its footer links to; editable under Einstellungen."""

    site_name = models.CharField(_("Name der Website"), max_length=255, default="WIR. LEBEN. EIFEL.")
    tagline = models.CharField(_("Untertitel"), max_length=255, blank=True)
    footer_text = models.CharField(_("Fußzeilentext"), max_length=255, blank=True)
    footer_links = StreamField([("link", FooterLinkBlock())], verbose_name=_("Links in der Fußzeile"), blank=True)

    panels = [FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("footer_text"), FieldPanel("footer_links")]

    class Meta:
        # Moved here from the home app without moving its data.
        db_table = "home_sitesettings"
        verbose_name = _("Website-Einstellungen")
