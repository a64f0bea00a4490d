"""Einstellungen → Kategorie-Moderation: per category, how its posts' comments are moderated and by whom."""

from django import forms
from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from comments.admin.permissions import moderators
from comments.models import CategoryModeration


class CategoryModerationForm(WagtailAdminModelForm):
    """Only users who hold the moderation permission (e.g. the "Kategorie-Moderation" group) can be named."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderators"].queryset = moderators().order_by("last_name", "first_name", "username")
        self.fields["moderators"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    class Meta:
        model = CategoryModeration
        fields = ["category", "mode", "moderators"]


def moderator_names(rule):
    return ", ".join(user.get_full_name() or user.get_username() for user in rule.moderators.all()) or "–"


class CategoryModerationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("category").prefetch_related("moderators")


class CategoryModerationViewSet(ModelViewSet):
    model = CategoryModeration
    index_view_class = CategoryModerationIndexView
    pk_path_converter = "id"
    icon = "tag"
    name = "comment_category_moderation"
    url_prefix = "kommentare/kategorien"
    menu_label = gettext_lazy("Kategorie-Moderation")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("category"),
            FieldPanel("mode", widget=forms.RadioSelect),
            FieldPanel("moderators", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=CategoryModerationForm,
    )
    list_display = [
        Column("category", label=gettext_lazy("Kategorie")),
        Column("mode", label=gettext_lazy("Moderation"), accessor="get_mode_display"),
        Column("moderators", label=gettext_lazy("Moderator(inn)en"), accessor=moderator_names),
    ]
