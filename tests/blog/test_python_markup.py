"""Pieces of the post page written in Python (blog_tags: related cards, share links) give byte for byte what
the templates they replaced gave, escaping included; the templates are kept here as they were."""

from django.template import Context, Template
from django.test import RequestFactory

from blog.factories import BlogPostPageFactory
from blog.templatetags.blog_tags import related_post_cards, share_links

OLD_CARD_LOOP = """{% load wagtailcore_tags %}{% for post in related_posts %}
                <article class="post-card post-card--compact">
                    <div class="post-card__body">
                        <p class="post-card__meta"><time datetime="{{ post.date|date:'Y-m-d' }}">{{ post.date|date:"j. F Y" }}</time></p>
                        <h3 class="post-card__title"><a class="post-card__link" href="{% pageurl post %}">{{ post.title }}</a></h3>
                        {% if post.intro %}<p class="post-card__intro">{{ post.intro|truncatewords:30 }}</p>{% endif %}
                    </div>
                </article>
            {% endfor %}"""

OLD_SHARE_LINKS = """{% load i18n %}
{# "Seite Teilen Über:" plain links: nothing from the services loads until a reader clicks one. #}
{% with url=share_url|urlencode:"" title=share_title|urlencode:"" %}
    <section class="share" aria-labelledby="share-heading">
        <h2 class="share__heading" id="share-heading">{% translate "Seite Teilen Über:" %}</h2>
        <ul class="share__list">
            {# Shown by site.js only where the browser can share (Web Share API): the phone's own menu. #}
            <li class="share__native" hidden><button class="share__link share__link--native" type="button" data-web-share data-share-title="{{ share_title }}" data-share-url="{{ share_url }}">{% translate "Teilen …" %}</button></li>
            <li><a class="share__link share__link--facebook" href="https://www.facebook.com/sharer/sharer.php?u={{ url }}" target="_blank" rel="noopener noreferrer">Facebook</a></li>
            <li><a class="share__link share__link--x" href="https://x.com/intent/post?url={{ url }}&amp;text={{ title }}" target="_blank" rel="noopener noreferrer">X</a></li>
            <li><a class="share__link share__link--linkedin" href="https://www.linkedin.com/sharing/share-offsite/?url={{ url }}" target="_blank" rel="noopener noreferrer">LinkedIn</a></li>
            <li><a class="share__link share__link--whatsapp" href="https://wa.me/?text={{ title }}%20{{ url }}" target="_blank" rel="noopener noreferrer">WhatsApp</a></li>
            <li><a class="share__link share__link--threema" href="https://threema.id/compose?text={{ title }}%20{{ url }}" target="_blank" rel="noopener noreferrer">Threema</a></li>
            <li><a class="share__link share__link--mastodon" href="{{ page.url }}teilen/mastodon/" rel="nofollow">Mastodon</a></li>
            <li><a class="share__link share__link--email" href="mailto:?subject={{ title }}&amp;body={{ url }}" rel="noopener noreferrer">{% translate "E-Mail" %}</a></li>
            <li><a class="share__link share__link--copy" href="{{ share_url }}" rel="noopener noreferrer" data-copy-link data-copied-label="{% translate 'Link kopiert' %}">{% translate "Link kopieren" %}</a></li>
        </ul>
        <p class="share__status visually-hidden" role="status" data-copy-status></p>
    </section>
{% endwith %}
"""

AWKWARD_TITLE = "Über <b>\"Brot\" & 'Milch'</b> in Üxheim – 100 % regional?"


def test_related_cards_as_the_template_wrote_them(blog_index, post):
    long_intro = " ".join(f"Wort{number} <i>&</i>" for number in range(40))
    posts = [
        BlogPostPageFactory(parent=blog_index, title=AWKWARD_TITLE, slug="ueber-brot", intro=long_intro),
        BlogPostPageFactory(parent=blog_index, title="Ohne Teaser", slug="ohne-teaser", intro=""),
        post,
    ]
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    context = Context({"related_posts": posts, "request": request})

    assert related_post_cards(context, posts) == Template(OLD_CARD_LOOP).render(context)


def test_share_links_as_the_template_wrote_them(blog_index):
    page = BlogPostPageFactory(parent=blog_index, title=AWKWARD_TITLE, slug="ueber-brot")
    share_url = "http://testserver/beitraege/ueber-brot/?a=1&b=<2>"
    context = Context({"share_url": share_url, "share_title": page.title, "page": page})

    assert share_links(share_url, page) == Template(OLD_SHARE_LINKS).render(context)
