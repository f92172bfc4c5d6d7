"""What the story element holds that is not the story, and what next to it is: hand-written pages."""

from newsearch import extract
from newsearch.indexer.extract import extract_blocks

TEXT = (
    "the council said on tuesday that the new night buses would run every twenty minutes from "
    "the station to the hospital and that fares would stay the same for at least another year "
    "while the drivers union said it had been consulted about the change and welcomed it"
)
WORDS = TEXT.split(" ")


def sentence(seed: int, n: int = 28) -> str:
    """A distinct prose sentence of n words (seed picks where in the word list it starts)."""
    words = [WORDS[(seed * 7 + i) % len(WORDS)] for i in range(n)]
    return " ".join([words[0].capitalize(), *words[1:]]) + f" in year {2000 + seed}."


def page(body: str, furniture: bool = True) -> str:
    nav = "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    foot = "<footer><p>About us</p><p>Contact</p></footer>"
    return (
        "<html><head><title>Night buses</title></head><body>"
        + (nav if furniture else "")
        + body
        + (foot if furniture else "")
        + "</body></html>"
    )


def reasons(html: str) -> dict[str, str]:
    _, blocks = extract_blocks(html, kind="html")
    return {b.text: b.reason for b in blocks}


def test_a_story_told_as_a_list_keeps_its_intro_and_closing():
    intro, closing = sentence(1, 18), sentence(2, 16)
    items = [sentence(10 + i, 30) for i in range(6)]
    lis = "".join(f"<li><a href='/s{i}'>{t[:40]}</a>{t[40:]}</li>" for i, t in enumerate(items))
    body = extract(
        page(f"<div class='post'><p>{intro}</p><ol>{lis}</ol><p>{closing}</p></div>")
    ).body
    for text in (intro, closing, *items):
        assert text in body


def test_a_long_comment_thread_inside_the_post_is_dropped():
    story = "".join(f"<p>{sentence(i)}</p>" for i in range(5))
    # One thread of 200 words, past what pruning drops by its name alone.
    comments = "".join(
        f"<li><p>Reader {i} wrote:</p><p>{sentence(40 + i, 35)}</p></li>" for i in range(6)
    )
    html = page(f"<article class='entry'>{story}<ol class='commentlist'>{comments}</ol></article>")
    got = reasons(html)
    assert all(got[sentence(i)] == "" for i in range(5))
    assert all(got[sentence(40 + i, 35)] == "comments" for i in range(6))


def test_cards_of_other_posts_styled_as_the_post_are_teasers():
    story = "".join(f"<p>{sentence(i)}</p>" for i in range(6))
    cards = "".join(
        f"<article class='post post-{100 + i}'><h2><a href='/p{i}'>Other story {i}</a></h2>"
        f"<p>{sentence(50 + i, 22)}</p></article>"
        for i in range(3)
    )
    html = page(f"<article class='post post-7'>{story}<div class='next'>{cards}</div></article>")
    got = reasons(html)
    assert all(got[sentence(i)] == "" for i in range(6))
    assert all(got[sentence(50 + i, 22)] == "teaser" for i in range(3))


def test_gallery_and_figure_captions_inside_the_story_are_dropped():
    paras = [f"<p>{sentence(i)}</p>" for i in range(5)]
    figure = f"<figure><img src='a.jpg'><figcaption><p>{sentence(60, 20)}</p></figcaption></figure>"
    gallery = "".join(
        f"<li class='slide'><img src='{i}.jpg'><p>{sentence(70 + i, 18)}</p></li>" for i in range(3)
    )
    html = page(
        f"<div class='body'>{''.join(paras[:2])}{figure}{''.join(paras[2:])}"
        f"<ul class='photo-gallery'>{gallery}</ul></div>"
    )
    got = reasons(html)
    assert all(got[sentence(i)] == "" for i in range(5))
    assert got[sentence(60, 20)] == "caption"
    assert all(got[sentence(70 + i, 18)] == "caption" for i in range(3))


def test_a_results_table_is_read_a_row_at_a_time():
    rows = [("1", "Ann Lee", "5040", "5", "1"), ("2", "Bo Ray", "5035", "7", "0")]
    rows += [(str(i), f"Rider {i}", str(5000 - i), "0", "0") for i in range(3, 9)]
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    table = f"<table><tr><th>Pos</th><th>Rider</th><th>Points</th><th>Wins</th><th>Poles</th></tr>{trs}</table>"
    body = extract(page(f"<div class='post'><p>{sentence(1)}</p>{table}</div>")).body
    for r in rows:
        assert " ".join(r) in body  # every row whole, its repeated figures ("0") kept


def test_label_cells_of_a_layout_table_around_the_story_are_dropped():
    story = "".join(f"<p>{sentence(i)}</p>" for i in range(5))
    labels = "<table><tr><td>Mortgage Center</td><td>CEO Book Club</td></tr></table>"
    layout = f"<table><tr><td>Menu</td><td class='main'>{labels}{story}</td></tr></table>"
    got = reasons(page(layout, furniture=False))
    assert got["Mortgage Center"] == "table" and got["CEO Book Club"] == "table"
    assert all(got[sentence(i)] == "" for i in range(5))


def test_links_written_out_in_the_story_are_text():
    urls = [f"http://example.com/item{i}" for i in range(4)]
    parts = "".join(f"<p>{sentence(i)}</p><p><a href='{u}'>{u}</a></p>" for i, u in enumerate(urls))
    body = extract(page(f"<div class='entry-content'>{parts}</div>")).body
    assert all(u in body for u in urls)


def test_a_story_split_over_a_row_of_paragraph_boxes_is_whole():
    lead = "".join(f"<div class='body__para'><p>{sentence(i)}</p></div>" for i in range(3))
    short = "<div class='body__para'><p>Nobody was hurt.</p></div>"
    rest = "".join(f"<p>{sentence(10 + i)}</p>" for i in range(8))
    html = page(
        f"<section class='article'>{lead}{short}<div class='body__rest'>{rest}</div></section>"
    )
    body = extract(html).body
    for text in [sentence(i) for i in range(3)] + ["Nobody was hurt."]:
        assert text in body


def test_linked_menu_inside_the_story_element_is_a_link_list():
    paras = [f"<p>{sentence(i)}</p>" for i in range(5)]
    menu = "<p><a href='/a'>Home</a> <a href='/b'>News</a> <a href='/c'>Sport</a></p>"
    story = "".join(paras[:2]) + menu + "".join(paras[2:])
    got = reasons(page(f"<div class='story'>{story}</div>"))
    assert got["Home News Sport"] == "link list"
    assert all(got[sentence(i)] == "" for i in range(5))


def test_a_story_wrapper_named_like_a_gallery_is_still_the_story():
    story = "".join(f"<p>{sentence(i)}</p>" for i in range(5))
    got = reasons(page(f"<div class='post'><div class='entry has-gallery'>{story}</div></div>"))
    assert all(got[sentence(i)] == "" for i in range(5))


def test_a_list_the_story_gives_twice_is_kept_both_times():
    features = ["Fits in a pocket", "Charges in an hour", "Works with any phone"]
    items = "".join(f"<li>{f}</li>" for f in features)
    story = "".join(
        f"<h2>Deal {i}</h2><p>{sentence(i)}</p><ul>{items}</ul><p>{sentence(20 + i)}</p>"
        for i in range(3)
    )
    body = extract(page(f"<div class='entry-content'>{story}</div>")).body
    assert all(body.count(f) == 3 for f in features)
