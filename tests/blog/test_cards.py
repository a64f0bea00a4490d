"""Post cards are built in Python (blog/cards.py) with the markup the card template had."""

import datetime

from django.template import Context, Template
from django.test import RequestFactory

from blog.models import BlogPostPage, with_listing_data


def render(template, **context):
    return Template("{% load blog_tags %}" + template).render(Context(context))


def test_a_card_shows_image_date_categories_title_teaser_authors_and_comments(
    make_post, blog_index, author, other_author, category, other_category, image
):
    make_post(
        title="Brücke <gesperrt> & umgeleitet",
        slug="bruecke",
        date=datetime.date(2015, 3, 2),
        intro="Wort " * 50,
        authors=[other_author, author],
        categories=[other_category, category],
        featured_image=image,
    )
    post = with_listing_data(BlogPostPage.objects.all()).get()
    post.comment_count = 3
    request = RequestFactory().get("/beitraege/")
    html = render("{% post_cards posts %}", posts=[post], request=request, blog_index=blog_index)

    assert html.startswith('<article class="post-card">')
    assert '<a class="post-card__image-link" href="/beitraege/bruecke/" tabindex="-1" aria-hidden="true">' in html
    assert 'alt="" class="post-card__image"' in html and "fill-320x180" in html and "fill-640x360" in html
    assert 'sizes="(min-width: 48rem) 16rem, 100vw"' in html
    assert '<time datetime="2015-03-02">2. März 2015</time>' in html
    assert '<a href="/beitraege/kategorie/kultur/">Kultur</a> · <a href="/beitraege/kategorie/wirtschaft/">' in html
    assert (
        '<h2 class="post-card__title"><a class="post-card__link" href="/beitraege/bruecke/">'
        "Brücke &lt;gesperrt&gt; &amp; umgeleitet</a></h2>"
    ) in html
    assert f'<p class="post-card__intro">{"Wort " * 44}Wort …</p>' in html
    assert '<p class="post-card__authors">von Maria Weber, Klaus Schäfer</p>' in html
    assert '<a href="/beitraege/bruecke/#kommentare">3 Kommentare</a>' in html


def test_the_featured_card_has_the_large_image_and_a_card_without_index_names_its_categories(
    make_post, blog_index, category, image
):
    make_post(slug="gross", featured_image=image, categories=[category])
    post = with_listing_data(BlogPostPage.objects.all()).get()
    request = RequestFactory().get("/")
    html = render('{% post_cards post featured=True heading="h3" %}', post=post, request=request)

    assert html.startswith('<article class="post-card post-card--featured">')
    assert "fill-480x270" in html and "fill-1200x675" in html
    assert 'sizes="(min-width: 64rem) 60rem, 100vw"' in html
    assert '<h3 class="post-card__title">' in html
    assert '<span class="post-card__categories">\nWirtschaft\n</span>' in html
    assert "post-card__comments" not in html and "post-card__image-link" in html
