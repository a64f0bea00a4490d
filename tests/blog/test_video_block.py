"""The two-click video block: nothing from YouTube or Vimeo loads before a reader's click."""

import pytest
from bs4 import BeautifulSoup

from wagtail import blocks

from blog.blocks import VideoBlock, video_player_url


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://www.youtube.com/watch?v=kurz", None),
        ("https://example.org/video.mp4", None),
        ("javascript:alert(1)", None),
    ],
)
def test_player_url_only_for_youtube_and_vimeo_videos(url, player):
    assert video_player_url(url) == player


def test_video_block_refuses_other_links_with_a_german_message():
    with pytest.raises(blocks.StructBlockValidationError) as error:
        VideoBlock().clean({"url": "https://example.org/film", "title": "Film", "caption": ""})
    assert "YouTube- oder Vimeo-Video" in str(error.value.block_errors["url"])


def test_post_with_a_video_loads_nothing_from_the_provider(client, make_post):
    post = make_post(
        title="Maifest im Video",
        body=[
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Das Maifest in Daun", "caption": "Mai 2024"})
        ],
    )
    response = client.get(post.url)
    html = BeautifulSoup(response.content, "html.parser")
    figure = html.select_one("figure.block-video")
    assert figure["data-video-player"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert not html.select("iframe")
    assert not [tag for tag in html.select("[src]") if "youtu" in tag["src"]]
    assert figure.select_one("a.block-video__link")["href"] == "https://youtu.be/dQw4w9WgXcQ"
    assert figure.select_one("button.block-video__button").has_attr("hidden")  # shown by JavaScript only
    assert "youtube-nocookie.com" in response["Content-Security-Policy"]
