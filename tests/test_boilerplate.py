from datetime import datetime

import pytest

from newsearch.indexer.boilerplate import classify
from newsearch.indexer.extract import Block, extract_blocks
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
    # Judged against the story's element (indexer/inside.py), where a linked sentence may be story.
    menu = "<p><a href='/'>Home</a> <a href='/n'>News</a> <a href='/s'>Sport Weather</a></p>"
    paras = "".join(f"<p>{STORY} Item {i} of the plan.</p>" for i in range(4))
    _, blocks = extract_blocks(f"<html><body><div>{paras}{menu}</div></body></html>", kind="html")
    got = {b.text: b.reason for b in blocks}
    assert got["Home News Sport Weather"] == "link list"
    assert all(got[f"{STORY} Item {i} of the plan."] == "" for i in range(4))


def test_sign_off_at_the_end_only():
    assert reasons([STORY, "Reuter"])[0] == ["", "sign-off"]
    assert reasons(["ENDS", STORY])[0][0] != "sign-off"


# A page flattened to text (as inscriptis writes it): menus, the story, teasers, comments, footer.
STORY_LINES = [
    "The lighthouse on Skerry Point will have keepers living in it again from the spring, the "
    "trust that owns it said on Monday, ending four decades in which the light was run from a "
    "control room on the mainland.",
    "Two keepers will share the post and live in the restored cottages at the foot of the tower, "
    "where the trust has spent the past three years replacing roofs, windows and the coal stores.",
    "Storms.",
    "Their first job will be to watch for the winter storms that have twice cut the power cable "
    "to the island and left the light dark for several nights at a time.",
    "“A person on the rock sees things a camera never will,” said the trust’s chair, who grew up "
    "in the keepers’ cottages when her father kept the light in the 1970s.",
    "The trust expects the first keepers to arrive in March.",
]
MENU = ["Home", "World", "Business", "Sport", "Weather", "Video", "Opinion", "Culture"]
TEASERS = [
    "Ferry timetable changes from May",
    "Operators say the summer timetable will add two sailings a day.",
    "Harbour wall repairs finished early",
    "Work on the south wall ended three weeks ahead of plan.",
]
COMMENT = (
    "Lovely news. My grandfather kept that light for twenty years and always said the rock "
    "was never the same without people on it."
)
FLATTENED = "\n".join(
    ["  Skerry Herald", *(f"      * {m}" for m in MENU), "  Sign in", "  Search", ""]
    + ["    Lighthouse keepers return to Skerry Point after forty years", "    By Ailsa Moray"]
    + ["    23 March 2021", ""]
    + [f"    {line}\n" for line in STORY_LINES]
    + ["    Share this article", "    Facebook | Twitter | Email", "", "  More from the islands"]
    + [f"        {t}" for t in TEASERS]
    + ["", "  12 Comments", "    Harry K", f"    {COMMENT}", "    Reply", ""]
    + ["  About us", "  Contact", "  Privacy", "  © 2021 Skerry Herald. All rights reserved."]
)


def test_flattened_page_keeps_the_story_region_and_drops_the_rest():
    art, blocks = extract_blocks(FLATTENED, kind="text")
    assert art.body.split("\n\n") == STORY_LINES  # the one-word paragraph and last line too
    assert art.title == "Lighthouse keepers return to Skerry Point after forty years"
    assert art.authors == ("Ailsa Moray",)
    assert art.published == datetime(2021, 3, 23)
    reasons = {b.text: b.reason for b in blocks}
    assert reasons["* World"] == "outside the main text"
    assert reasons[TEASERS[1]] == "outside the main text"
    assert reasons[COMMENT] == "outside the main text"
    assert reasons["12 Comments"] == "comments prompt"
    assert all(b.reason for b in blocks if b.text not in STORY_LINES)


SPLIT_STORY = """<!DOCTYPE html><html><head><title>Night trains return to the northern line - Valley Post</title>
<meta property="article:published_time" content="2022-05-03T06:00:00-04:00">
<meta property="article:modified_time" content="2022-05-04T09:15:00-04:00"></head><body>
<div class="top-links"><a href="/">Home</a> <a href="/travel">Travel</a></div>
<div class="story-wrap"><h1>Night trains return to the northern line</h1>
<div class="author-line">By Dana Whitcombe | Valley Post</div>
<section class="story-column">
<p>Night trains will run on the northern line again from June, the rail operator said on
Tuesday, two years after the service was cut when passenger numbers collapsed.</p>
<p>The first departure will leave the central station at half past midnight and call at every
stop as far as the coast, with a second train an hour later on Fridays.</p></section>
<div class="inline-ad"><a href="/ads">Advertisement</a></div>
<section class="story-column">
<p>Unions welcomed the return of the service but said the operator still had to recruit enough
drivers to run it without cancelling daytime trains.</p>
<p>Tickets go on sale next week.</p></section></div>
<div class="more-stories"><h2>More stories</h2>
<div class="card"><h3><a href="/a">Bus fares frozen for another year</a></h3><p>The transport
authority said the freeze would cost it four million a year, paid for from parking charges.</p>
</div><div class="card"><h3><a href="/b">Bridge closes for weekend repairs</a></h3><p>Drivers are
advised to use the ring road while engineers replace joints on the eastern span.</p></div></div>
<div id="comments-area"><h3>Reader comments (2)</h3><div class="c"><p>About time. I gave up going
to concerts in the city because there was no way to get home afterwards without a taxi.</p></div>
</div></body></html>"""


def test_html_story_split_over_columns_is_kept_whole_and_teasers_dropped():
    art, blocks = extract_blocks(SPLIT_STORY, kind="html")
    paras = art.body.split("\n\n")
    assert len(paras) == 4 and paras[-1] == "Tickets go on sale next week."
    assert "Unions welcomed" in art.body
    for never in ["Bus fares", "ring road", "concerts", "Advertisement", "Home"]:
        assert never not in art.body
    assert art.title == "Night trains return to the northern line"
    assert art.authors == ("Dana Whitcombe",)
    assert art.published.isoformat() == "2022-05-03T06:00:00-04:00"
    reasons = {r.reason for r in art.removed}
    # The top links are judged with the rest of the page outside the story's element.
    assert {"outside the article", "advertisement", "comments"} <= reasons
