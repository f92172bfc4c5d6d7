import pytest

from newsearch.indexer.boilerplate import classify
from newsearch.indexer.extract import Block
from newsearch.indexer.metadata import Found

STORY = "The council voted on Tuesday to extend the night bus service for another year."


def reasons(lines, html=False, title_known=True):
    blocks = [Block(t) for t in lines]
    found = Found(title="Known title")
    classify(blocks, found, title_known=title_known, html=html)
    return [b.reason for b in blocks], found


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Download the Daily News app, available on Android and iOS", "app promo"),
        ("Sign up for our morning newsletter", "newsletter promo"),
        ("Share this article", "share prompt"),
        ("Facebook | Twitter | Email", "share prompt"),
        ("Also Read: Ten things about buses", "related links"),
        ("Tags: buses, council", "tags"),
        ("We use cookies to improve your experience", "cookie notice"),
        ("© 2024 Example Media. All rights reserved.", "copyright"),
        ("Advertisement", "advertisement"),
        ("Photo: Getty Images", "image credit"),
        ("Blah blah blah.", "placeholder text"),
    ],
)
def test_boilerplate_lines_are_dropped_with_their_reason(line, reason):
    got, _ = reasons([STORY, line, STORY.replace("Tuesday", "Monday")])
    assert got == ["", reason, ""]


def test_story_paragraph_mentioning_a_newsletter_is_kept():
    long = (
        "The paper's editor said the newsletter, which started in 2019 with a few hundred "
        "readers, now reaches forty thousand people every morning and pays for two reporters."
    )
    got, _ = reasons([STORY, long])
    assert got == ["", ""]


def test_tags_after_a_tags_header_are_collected():
    got, found = reasons([STORY, "Related Tags:", "Buses", "Night life", "Read this next story."])
    assert got[:4] == ["", "tags", "tag", "tag"]
    assert found.tags == ["Buses", "Night life"]


def test_repeated_short_line_is_a_caption_but_repeated_story_text_keeps_first_copy():
    got, _ = reasons(["Bus depot at night", STORY, "Bus depot at night", STORY])
    assert got == ["repeated caption", "", "repeated caption", "repeated text"]


def test_headline_repeated_in_body_is_dropped_when_title_known():
    got, _ = reasons(["Known title", STORY])
    assert got == ["headline (kept as title)", ""]


def test_first_short_line_becomes_title_in_plain_text():
    got, found = reasons(["Buses run all night", STORY], title_known=False)
    found_title = found.title
    assert got[0] == "headline (kept as title)" and found_title == "Buses run all night"


def test_link_heavy_html_block_is_a_link_list():
    blocks = [Block(STORY), Block("Home News Sport Weather", link_chars=22)]
    classify(blocks, Found(title="x"), title_known=True, html=True)
    assert blocks[1].reason == "link list" and not blocks[0].reason


def test_sign_off_at_the_end_only():
    assert reasons([STORY, "Reuter"])[0] == ["", "sign-off"]
    assert reasons(["ENDS", STORY])[0] == ["", ""]
