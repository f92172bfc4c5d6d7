"""Where the story is on a page flattened to text: hand-written pages, indented as inscriptis does."""

from newsearch import extract

TEXT = (
    "the council said on tuesday that the new night buses would run every twenty minutes from "
    "the station to the hospital and that fares would stay the same for at least another year "
    "while the drivers union said it had been consulted about the change and welcomed it"
)
WORDS = TEXT.split(" ")
MENU = ["Home", "News", "Sport", "Weather", "Business", "Comments", "Contact", "Search"]
FOOT = ["About", "Privacy", "Terms", "Careers", "Advertise", "Help"]


def sentence(seed: int, n: int = 30) -> str:
    """A distinct prose sentence of n words."""
    words = [WORDS[(seed * 7 + i) % len(WORDS)] for i in range(n)]
    return " ".join([words[0].capitalize(), *words[1:]]) + f" in {1900 + seed}."


def flat(lines: list[tuple[int, str]]) -> str:
    """A flattened page: each line at its indent, blank lines between, as inscriptis writes."""
    return "\n\n".join(" " * indent + text for indent, text in lines) + "\n"


def test_a_comments_link_in_the_masthead_does_not_make_the_story_comments():
    story = [sentence(i, 20) for i in range(8)]
    lines = [(2, m) for m in MENU] + [(6, "Buses to run all night")]
    lines += [(6, s) for s in story[:4]]
    lines += [(6, "Related articles"), (8, "* Trams: new line opens"), (8, "* Taxis: fares up")]
    lines += [(6, s) for s in story[4:]]
    lines += [(2, m) for m in FOOT]
    body = extract(flat(lines), kind="text").body
    assert all(s in body for s in story)


def test_one_long_footer_line_does_not_outweigh_a_short_story():
    story = [sentence(1, 34), sentence(2, 32)]
    contact = (
        "Our customer service centre can be reached with any questions or requests by telephone "
        "on 0800 123 456 or 0800 654 321 from abroad, by fax on 0800 111 222, by email at "
        "help@example.com and service@example.com, or by post at the address below, and we "
        "will answer within two working days of receiving the request, except on holidays, "
        "when the answer may take a little longer; for the subscriptions, the advertising and "
        "the archive of the paper there are other numbers, which are listed on the page that "
        "the link at the foot of this page leads to, together with the opening hours."
    )
    lines = [(2, m) for m in MENU] + [(10, "Buses to run all night")]
    lines += [(10, s) for s in story]
    lines += [(4, f"Headline number {i}") for i in range(30)]
    lines += [(6, contact)] + [(2, m) for m in FOOT]
    body = extract(flat(lines), kind="text").body
    assert all(s in body for s in story) and "customer service" not in body


def test_a_story_spread_over_two_indents_is_not_cut_to_one():
    # A table layout flattened: the story's paragraphs sit at two indents, neither holding most of
    # its prose, with a run of labels between them.
    first = [sentence(i, 20) for i in range(3)]
    second = [sentence(10 + i, 40) for i in range(2)]
    lines = [(2, m) for m in MENU] + [(4, s) for s in first]
    lines += [(4, f"Label {i}") for i in range(12)] + [(8, s) for s in second]
    lines += [(2, m) for m in FOOT]
    body = extract(flat(lines), kind="text").body
    assert all(s in body for s in first + second)
