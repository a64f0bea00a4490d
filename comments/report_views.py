"""Reader reports: "Melden" under every public comment leads to a plain page with a form (no JavaScript
needed), then to a confirmation of receipt (DSA Art. 16)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blog.models import BlogPostPage

from . import reports
from .forms import ReportForm
from .models import PostComment
from .moderation import comment_settings_for
from .views import never_store


def public_comment_or_404(pk):
    comment = PostComment.objects.filter(pk=pk, is_public=True).first()
    post = comment.content_object if comment is not None else None
    if post is None or not BlogPostPage.objects.live().public().filter(pk=post.pk).exists():
        raise Http404
    return comment, post


@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    comment, post = public_comment_or_404(pk)
    rules = comment_settings_for(request, post)
    form = ReportForm(request.POST or None)
    status = 200
    message = ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
            message = _("Bitte prüfen Sie die markierten Angaben.")
        elif not reports.claim_report_slot(request):
            status = 429
            message = _(
                "Sie haben in der letzten Stunde schon mehrere Meldungen geschickt. Bitte versuchen Sie es später noch einmal."
            )
        else:
            reports.submit(comment, form.cleaned_data, request)
            return redirect("comments-report-done", pk=comment.pk)
    response = render(
        request,
        "comments/report.html",
        {"form": form, "comment": comment, "page": post, "message": message, "netiquette_url": rules.netiquette_url},
        status=status,
    )
    return never_store(response)


def report_done(request, pk):
    comment, post = public_comment_or_404(pk)
    response = render(request, "comments/report_done.html", {"comment": comment, "page": post})
    return never_store(response)


def netiquette(request):
    """/netiquette/: the rules for comments (Einstellungen → Kommentare), linked from the form and every
    statement of reasons."""
    rules = comment_settings_for(request)
    return render(request, "comments/netiquette.html", {"text": rules.netiquette_text})
