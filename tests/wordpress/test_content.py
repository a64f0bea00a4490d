"""WordPress HTML → post body blocks, without the database."""

from wordpress.content import ImageRef, convert_body, html_to_plain_text


def blocks(content, gallery_ids=()):
    return convert_body(content, gallery_ids).blocks


def test_double_newlines_become_paragraphs_and_single_newlines_line_breaks():
    assert blocks("Erste Zeile\nzweite Zeile\n\nNeuer Absatz") == [
        ("paragraph", "<p>Erste Zeile<br/>zweite Zeile</p>"),
        ("paragraph", "<p>Neuer Absatz</p>"),
    ]


def test_gallery_shortcode_becomes_one_image_per_id_and_falls_back_to_the_post_attachments():
    assert blocks('[gallery ids="7, 8"]') == [("image", ImageRef("7")), ("image", ImageRef("8"))]
    assert blocks("[gallery]", gallery_ids=["9"]) == [("image", ImageRef("9"))]


def test_gutenberg_image_with_figcaption_becomes_an_image_with_caption():
    content = (
        '<!-- wp:image {"id":42} --><figure class="wp-block-image"><img src="/wp-content/uploads/a.jpg" '
        'class="wp-image-42"/><figcaption>Die Burg &amp; das Tal</figcaption></figure><!-- /wp:image -->'
    )
    assert blocks(content) == [("image", ImageRef("42", "/wp-content/uploads/a.jpg", "Die Burg & das Tal"))]


def test_links_keep_only_safe_addresses_and_no_attributes():
    content = '<p><a href="https://x.de/?a=1&amp;b=2" style="color:red" target="_blank">x</a> <a href="data:text/html,1">y</a></p>'
    assert blocks(content) == [("paragraph", '<p><a href="https://x.de/?a=1&amp;b=2">x</a> y</p>')]


def test_text_that_looks_like_markup_is_escaped_not_interpreted():
    assert blocks("<p>&lt;script&gt;alert(1)&lt;/script&gt; 3 &lt; 4</p>") == [
        ("paragraph", "<p>&lt;script&gt;alert(1)&lt;/script&gt; 3 &lt; 4</p>")
    ]


def test_iframes_become_links_and_styles_disappear():
    content = '<style>p{}</style><iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>'
    assert blocks(content) == [
        (
            "paragraph",
            '<p><a href="https://www.youtube-nocookie.com/embed/abc">https://www.youtube-nocookie.com/embed/abc</a></p>',
        )
    ]


def test_comment_html_becomes_plain_text_with_paragraphs():
    assert html_to_plain_text("Hallo <b>Welt</b><br>neue Zeile<p>Absatz &amp;auml;</p>") == (
        "Hallo Welt\nneue Zeile\n\nAbsatz ä"
    )
