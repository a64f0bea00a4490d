"""Property-based test of the comment lifecycle (Hypothesis stateful testing, on the real database).

Random sequences of what readers (writing, replying, editing their own comment), moderators, the data-protection tools and the WordPress re-import do to
the comments of one post; after every step the invariants must hold:

- a comment is public exactly when it is approved and the comment it answers is public (so nothing a
  reader writes is public before a moderator, a rule or WordPress approved it and everything above it);
- every comment's status is the one the model predicts, `is_removed` is spam-or-trash;
- the audit log has exactly one entry per change of each comment;
- the queue's counts per status are right, and the post page shows exactly the public comments;
- a new held or spam comment invalidates nothing cached (the cache clock does not tick).
"""

import io
import itertools
import os
import re
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase

from wagtail.models import ModelLogEntry

from blog.models import BlogPostPage
from comments import lifecycle, moderation
from comments.admin.bulk_actions import BULK_ACTIONS
from comments.admin.panels import held_for
from comments.factories import make_staff
from comments.models import CommentSettings, PostComment, Status
from core.cache import CLOCK_KEY

MAX_LEVEL = 4
WORDPRESS_STATUS = {Status.APPROVED: "1", Status.PENDING: "0", Status.SPAM: "spam", Status.TRASH: "trash"}
BULK = {action_class.action_type: action_class for action_class in BULK_ACTIONS}
COMMENT_ID = re.compile(r'<li class="comment[^"]*" id="c(\d+)"')


def wxr(post_wp_id, comments):
    """A WordPress export with one published post and its comments [(wp_id, parent_wp_id, status, text)]."""
    comment_xml = "".join(
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id><wp:comment_author><![CDATA[Leser {wp_id}]]>"
        f"</wp:comment_author><wp:comment_author_email>leser{wp_id}@example.org</wp:comment_author_email>"
        f"<wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP></wp:comment_author_IP>"
        f"<wp:comment_date>2024-01-0{1 + index % 9} 10:00:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2024-01-0{1 + index % 9} 09:{index:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{escape(text)}]]></wp:comment_content>"
        f"<wp:comment_approved>{WORDPRESS_STATUS[status]}</wp:comment_approved>"
        f"<wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent or 0}</wp:comment_parent>"
        f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
        for index, (wp_id, parent, status, text) in enumerate(comments)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>WIR. LEBEN. EIFEL.</title>
<link>https://www.wir-leben-eifel.de</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://www.wir-leben-eifel.de</wp:base_site_url>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login>redakteurin</wp:author_login>
<wp:author_email>redaktion@example.org</wp:author_email><wp:author_display_name>Rita Redakteurin</wp:author_display_name>
</wp:author>
<item><title>Importierter Beitrag</title><link>https://www.wir-leben-eifel.de/2024/01/01/importiert/</link>
<dc:creator>redakteurin</dc:creator><content:encoded><![CDATA[<p>Text</p>]]></content:encoded>
<excerpt:encoded></excerpt:encoded><wp:post_id>{post_wp_id}</wp:post_id>
<wp:post_date>2024-01-01 08:00:00</wp:post_date><wp:post_date_gmt>2024-01-01 07:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>importiert</wp:post_name><wp:status>publish</wp:status>
<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>{comment_xml}</item>
</channel></rss>"""


class CommentLifecycle(RuleBasedStateMachine):
    """The model: for each comment its status, parent, level, audit-entry count and origin."""

    comments = Bundle("comments")

    def __init__(self, world):
        super().__init__()
        self.world = world
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()
        self.status = {}
        self.parent = {}
        self.level = {}
        self.log_count = {}
        self.deleted = set()
        self.wordpress = {}  # pk -> [wp_id, parent_wp_id, status WordPress says, status imported last, text]
        self.changed_here = set()  # comments whose text or name a moderator or reader changed in the site
        self.texts = itertools.count(1)
        self.post = world["post"]

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------

    def alive(self, pk):
        return pk not in self.deleted

    def expected_public(self, pk):
        while True:
            if self.status[pk] != Status.APPROVED:
                return False
            parent = self.parent[pk]
            if parent is None:
                return True
            pk = parent

    def subtree(self, pk):
        below = [child for child, parent in self.parent.items() if parent == pk and self.alive(child)]
        return [pk, *itertools.chain.from_iterable(self.subtree(child) for child in below)]

    def created(self, comment, entries=1):
        self.status[comment.pk] = comment.status
        parent_id = None if comment.parent_id == comment.pk else comment.parent_id
        self.parent[comment.pk] = parent_id
        self.level[comment.pk] = comment.level
        self.log_count[comment.pk] = entries
        return comment.pk

    def generation(self):
        return cache.get(CLOCK_KEY)

    # --- readers ---------------------------------------------------------------------------

    @rule(target=comments, status=st.sampled_from([Status.PENDING, Status.APPROVED, Status.SPAM]))
    def reader_posts(self, status):
        before = self.generation()
        with TestCase.captureOnCommitCallbacks(execute=True):
            comment = lifecycle.submit(
                post=self.post,
                parent=None,
                name="Leserin",
                email="leserin@example.org",
                url="",
                text=f"Kommentar {next(self.texts)}",
                site_id=1,
                ip_address=None,
                user=None,
                author_token="",
                status=status,
                reasons=[],
            )
        if status != Status.APPROVED:
            assert self.generation() == before, "a held or spam comment must invalidate nothing"
        return self.created(comment)

    @rule(target=comments, parent=comments, status=st.sampled_from([Status.PENDING, Status.APPROVED]))
    def reader_replies(self, parent, status):
        # Readers can only answer what they see (the form refuses anything else).
        if not self.alive(parent) or not self.expected_public(parent) or self.level[parent] >= MAX_LEVEL:
            return multiple()
        parent = PostComment.objects.get(pk=parent)
        with TestCase.captureOnCommitCallbacks(execute=True):
            comment = lifecycle.submit(
                post=BlogPostPage.objects.get(pk=parent.object_pk),
                parent=parent,
                name="Antwortender",
                email="antwort@example.org",
                url="",
                text=f"Antwort {next(self.texts)}",
                site_id=1,
                ip_address=None,
                user=None,
                author_token="",
                status=status,
                reasons=[],
            )
        return self.created(comment)

    @rule(target=comments, parent=comments)
    def staff_replies(self, parent):
        if not self.alive(parent) or self.status[parent] in (Status.SPAM, Status.TRASH):
            return multiple()
        if self.level[parent] >= MAX_LEVEL:
            return multiple()
        with TestCase.captureOnCommitCallbacks(execute=True):
            answer = lifecycle.reply_as_staff(
                PostComment.objects.get(pk=parent), "Antwort der Redaktion", self.world["moderator"]
            )
        assert answer.is_moderator_reply and answer.user_email == ""
        return self.created(answer)

    @rule(comment=comments, back_to_queue=st.booleans())
    def edit(self, comment, back_to_queue):
        if not self.alive(comment):
            return
        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.edit(
                PostComment.objects.get(pk=comment), f"Geändert {next(self.texts)}", back_to_queue=back_to_queue
            )
        if back_to_queue and self.status[comment] == Status.APPROVED:
            self.status[comment] = Status.PENDING
        self.log_count[comment] += 1
        self.changed_here.add(comment)

    @rule(comment=comments, recheck=st.booleans(), hold_word=st.booleans())
    def edit_own(self, comment, recheck, hold_word):
        """The writer changes their own comment (the view has checked browser and window): held stays
        held, spam stays spam, the trash refuses; approved waits again when the setting or the rules say so."""
        if not self.alive(comment):
            return
        rules = CommentSettings(hold_all=False, recheck_edited=recheck, max_links=0, hold_words="zurückhalten")
        text = f"Selbst geändert {next(self.texts)}" + (" zurückhalten" if hold_word else "")
        stored = PostComment.objects.get(pk=comment)
        # Blocks and spam marks of the address (earlier "Spam" decisions) hold it too.
        verdict, _reasons = moderation.decide(
            rules,
            name=stored.user_name,
            email=stored.user_email,
            url=stored.user_url,
            text=text,
            author_token=stored.author_token,
            ip_address=stored.ip_address,
        )
        assert verdict != Status.APPROVED or not hold_word
        current = self.status[comment]
        was_public = self.expected_public(comment)
        before = self.generation()
        with TestCase.captureOnCommitCallbacks(execute=True):
            try:
                after = lifecycle.edit_own(stored, text, rules)
            except lifecycle.TransitionNotAllowed:
                assert current == Status.TRASH
                return
        assert current != Status.TRASH
        expected = Status.PENDING if current == Status.APPROVED and (recheck or verdict != Status.APPROVED) else current
        assert after == expected
        self.status[comment] = expected
        self.log_count[comment] += 1
        self.changed_here.add(comment)
        assert PostComment.objects.get(pk=comment).edited_at is not None
        if not was_public:
            assert self.generation() == before, "editing a comment nobody else sees must invalidate nothing"

    # --- moderators ------------------------------------------------------------------------

    @rule(comment=comments, action=st.sampled_from(sorted(lifecycle.TRANSITIONS)))
    def moderate(self, comment, action):
        if not self.alive(comment):
            return
        transition = lifecycle.TRANSITIONS[action]
        current = self.status[comment]
        with TestCase.captureOnCommitCallbacks(execute=True):
            try:
                changed = lifecycle.apply(PostComment.objects.get(pk=comment), action, self.world["moderator"])
            except lifecycle.TransitionNotAllowed:
                assert current not in transition.sources and current != transition.target
                return
        assert changed == (current != transition.target)
        if changed:
            self.status[comment] = transition.target
            self.log_count[comment] += 1

    @rule(chosen=st.lists(comments, min_size=1, max_size=4, unique=True), action=st.sampled_from(sorted(BULK)))
    def bulk(self, chosen, action):
        chosen = [pk for pk in chosen if self.alive(pk)]
        if not chosen:
            return
        objects = list(PostComment.objects.filter(pk__in=chosen).order_by("pk"))
        with TestCase.captureOnCommitCallbacks(execute=True):
            BULK[action].execute_action(objects, user=self.world["moderator"])
        if action == "delete":
            for pk in sorted(chosen):
                if self.alive(pk):
                    self.delete_in_model(pk)
            return
        if action == "review":
            return  # "Geprüft" changes no state, and none of these comments awaits a review: no entry either
        transition = lifecycle.TRANSITIONS[action]
        for pk in chosen:
            if self.status[pk] in transition.sources:
                self.status[pk] = transition.target
                self.log_count[pk] += 1

    def delete_in_model(self, pk):
        for item in self.subtree(pk):
            self.deleted.add(item)
            self.log_count[item] += 1

    @rule(comment=consumes(comments))
    def delete(self, comment):
        if not self.alive(comment):
            return
        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.delete(PostComment.objects.get(pk=comment), self.world["moderator"])
        self.delete_in_model(comment)

    @rule(comment=comments)
    def anonymise(self, comment):
        if not self.alive(comment):
            return
        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.anonymise(PostComment.objects.filter(pk=comment), self.world["moderator"])
        self.log_count[comment] += 1
        self.changed_here.add(comment)
        stored = PostComment.objects.get(pk=comment)
        assert (stored.user_name, stored.user_email, stored.ip_address) == ("Anonym", "", None)

    # --- WordPress -------------------------------------------------------------------------

    @precondition(lambda self: len(self.wordpress) < 8)
    @rule(target=comments, status=st.sampled_from([Status.APPROVED, Status.PENDING]), answer=st.booleans())
    def wordpress_adds(self, status, answer):
        parents = [pk for pk, row in self.wordpress.items() if self.alive(pk) and self.level[pk] < MAX_LEVEL]
        parent_wp = self.wordpress[parents[-1]][0] if answer and parents else None
        wp_id = 9001 + len(self.wordpress)
        new = [wp_id, parent_wp, status, status, f"Aus WordPress {wp_id}"]
        self.run_import([*self.wordpress.values(), new])
        comment = PostComment.objects.get(comment=new[4])
        self.wordpress[comment.pk] = new
        return self.created(comment)

    @precondition(lambda self: self.wordpress)
    @rule(data=st.data())
    def wordpress_changes(self, data):
        """The re-import with new states from WordPress: a comment changed in the site since its last import
        (another state, an edited text, anonymised) is not touched, and stays as imported last in the
        ledger; an untouched one takes WordPress's state."""
        for pk, row in self.wordpress.items():
            row[2] = data.draw(st.sampled_from(list(WORDPRESS_STATUS)), label=f"wordpress status of {pk}")
        self.run_import(list(self.wordpress.values()))
        for pk, row in self.wordpress.items():
            if not self.alive(pk):
                continue
            says, imported_last = row[2], row[3]
            if self.status[pk] == imported_last and pk not in self.changed_here and says != imported_last:
                self.status[pk] = says
                self.log_count[pk] += 1
                row[3] = says

    def run_import(self, rows):
        path = self.world["tmp_path"] / "export.xml"
        path.write_text(wxr(900, [(wp_id, parent, status, text) for wp_id, parent, status, _last, text in rows]))
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("import_wordpress", str(path), stdout=io.StringIO())

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def states_and_visibility_follow_the_rules(self):
        stored = {
            pk: (status, is_public, is_removed)
            for pk, status, is_public, is_removed in PostComment.objects.values_list(
                "pk", "status", "is_public", "is_removed"
            )
        }
        expected_alive = {pk for pk in self.status if self.alive(pk)}
        assert set(stored) == expected_alive
        for pk, (status, is_public, is_removed) in stored.items():
            assert status == self.status[pk]
            assert is_public == self.expected_public(pk), f"comment {pk}: public={is_public}"
            assert is_removed == (status in (Status.SPAM, Status.TRASH))

    @invariant()
    def one_audit_entry_per_change(self):
        counts = {}
        for object_id in ModelLogEntry.objects.filter(action__startswith="comments.").values_list(
            "object_id", flat=True
        ):
            counts[int(object_id)] = counts.get(int(object_id), 0) + 1
        assert counts == {pk: count for pk, count in self.log_count.items() if count}

    @invariant()
    def the_queue_counts_are_right(self):
        alive = [pk for pk in self.status if self.alive(pk)]
        held = sum(self.status[pk] in (Status.PENDING, Status.WITHDRAWN) for pk in alive)
        assert held_for(self.world["moderator"]).count() == held
        for status in (Status.APPROVED, Status.SPAM, Status.TRASH):
            assert PostComment.objects.with_status(status).count() == sum(self.status[pk] == status for pk in alive)

    @invariant()
    def readers_see_exactly_the_public_comments(self):
        if not self.status:
            return
        shown = set()
        for post in {self.post.pk, *BlogPostPage.objects.filter(slug="importiert").values_list("pk", flat=True)}:
            html = Client().get(BlogPostPage.objects.get(pk=post).url).content.decode()
            shown |= {int(pk) for pk in COMMENT_ID.findall(html)}
        assert shown == {pk for pk in self.status if self.alive(pk) and self.expected_public(pk)}


@pytest.fixture
def world(post, tmp_path, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    return {"post": post, "moderator": make_staff("moderatorin", groups=["Moderatoren"]), "tmp_path": tmp_path}


def test_comment_lifecycle_keeps_its_promises_under_random_sequences(world):
    # A modest run in every `make test`; HYPOTHESIS_LIFECYCLE_EXAMPLES=500 for a deep one.
    run_state_machine_as_test(
        lambda: CommentLifecycle(world),
        settings=settings(
            max_examples=int(os.environ.get("HYPOTHESIS_LIFECYCLE_EXAMPLES", "8")),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
