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


class OneQuerySiteSetting(BaseSiteSetting):
    """A site setting that, when a request first asks for any site setting, loads every site setting of
    the request's site in one query (the site row joined with each setting's row) and keeps them on the
    request where Wagtail's `for_request` looks: a post page asked two queries, one per setting."""

    class Meta:
        abstract = True

    @classmethod
    def for_request(cls, request):
        if not hasattr(request, cls.get_cache_attr_name()):
            load_site_settings(request)
        return super().for_request(request)


def load_site_settings(request):
    """Every `OneQuerySiteSetting` of the request's site, in one query, cached on the request. A setting
    whose row does not exist yet gives its defaults, unsaved."""
    from django.apps import apps

    from wagtail.models import Site

    from .sites import resolve_site

    if not hasattr(request, "_wagtail_site"):
        resolve_site(request)  # the site with every setting, in one query (core/sites.py)
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    models_ = [model for model in apps.get_models() if issubclass(model, OneQuerySiteSetting)]
    names = {model: model._meta.get_field("site").related_query_name() for model in models_}
    row = Site.objects.select_related(*names.values()).filter(pk=site.pk).first()
    if row is None:
        return
    for model, name in names.items():
        try:
            settings = getattr(row, name)
        except model.DoesNotExist:
            settings = model(site=site)  # not saved yet: the defaults, unsaved (core/sites.py)
        settings._request = request
        setattr(request, model.get_cache_attr_name(), settings)


@register_setting(icon="site")
class SiteSettings(OneQuerySiteSetting):
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
