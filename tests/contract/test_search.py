import pytest

from newsearch import NewsIndex


def make(tmp_path, location, docs):
    ix = NewsIndex.create(location())
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in docs.items():
        (folder / f"{name}.txt").write_text(text)
    ix.add_files([folder])
    return ix


def test_documents_with_all_terms_rank_first(tmp_path, location):
    ix = make(
        tmp_path,
        location,
        {
            "both": "Harbour report\n\nThe inquiry into the harbour collapse opened today.",
            "one_a": "Inquiry news\n\nAn inquiry, an inquiry, another inquiry and more inquiries here.",
            "one_b": "Harbour news\n\nThe harbour, the harbour, the old harbour walls stand.",
        },
    )
    hits = ix.search("harbour inquiry").hits
    assert hits[0].title == "Harbour report"
    assert {h.title for h in hits} == {"Harbour report", "Inquiry news", "Harbour news"}


def test_a_word_in_the_title_counts_on_top_of_the_body(tmp_path, location):
    ix = make(
        tmp_path,
        location,
        {
            "a": "Budget vote delayed\n\nLawmakers postponed the budget decision until next week.",
            "b": "Lawmakers meet\n\nLawmakers postponed the budget decision until next week.",
        },
    )
    hits = ix.search("budget").hits
    assert [h.title for h in hits] == ["Budget vote delayed", "Lawmakers meet"]
    assert hits[0].score > hits[1].score


def test_plain_words_are_scored_on_title_and_body_as_one_field(tmp_path, location):
    # One field, the title counted twice (issue 14): a word once in the title and once in the
    # body has frequency 3 there, and a body of the same length with the word three times
    # scores the same as that article, on every engine.
    ix = make(
        tmp_path,
        location,
        {
            "a": "Harbour report\n\nThe harbour walls were mended before the storm came.",
            "b": "Storm report\n\nThe harbour, harbour, harbour walls were mended before.",
        },
    )
    hits = {h.title: h for h in ix.search("harbour", explain=True).hits}
    a, b = hits["Harbour report"], hits["Storm report"]
    assert [(c.field, c.frequency) for c in a.explanation] == [("title+body", 3.0)]
    assert [(c.field, c.frequency) for c in b.explanation] == [("title+body", 3.0)]
    assert a.score == pytest.approx(b.score, rel=1e-3)
    # Fields named and phrases still keep title and body apart.
    assert ix.search("title:harbour").total == 1
    assert ix.search('"harbour report"').total == 1


def test_long_natural_language_query_still_finds_results(tmp_path, location):
    ix = make(
        tmp_path, location, {"a": "Wheat prices\n\nWheat prices rose as drought hit the plains."}
    )
    res = ix.search("what is happening to the price of wheat during the drought in the plains")
    assert res.total == 1


def test_boolean_phrase_and_field_syntax(seeded):
    assert seeded.search("Mueller AND Tillerson").total == 1
    assert seeded.search("Mueller NOT Lavrov").total == 0
    assert seeded.search('"special prosecutor"').total == 1
    assert seeded.search('"prosecutor special"').total == 0
    assert seeded.search("title:lavrov").total == 1
    assert seeded.search("title:mueller").total == 0
    assert seeded.search("author:lindqvist").hits[0].title.startswith("Harbour bridge")
    assert seeded.search("tag:harbour").total == 1


def test_stray_syntax_is_answered_as_words(seeded):
    everything = seeded.stats().documents
    expected = {
        '"Mueller inquiry': 1,
        "(Mueller inquiry": 1,
        "Mueller -": 1,
        "Mueller AND": 1,
        "inquiry)": 1,
        "Mueller^": 1,
        "Mueller~~": 1,
        "title:": 0,  # a field and no word: nothing to look for
        "[a TO": 0,  # stop words and brackets only
        "*": everything,
    }
    got = {q: seeded.search(q).total for q in expected}
    assert got == expected
    assert not seeded.search('"Mueller inquiry').strict
    assert seeded.search("Mueller^").strict


def test_paging(tmp_path, location):
    ix = make(
        tmp_path,
        location,
        {f"d{i}": f"Title {i}\n\nCommon word and more {'common ' * i}" for i in range(7)},
    )
    page1 = ix.search("common", limit=3)
    page3 = ix.search("common", limit=3, page=3)
    assert page1.total == 7 and [h.rank for h in page1.hits] == [1, 2, 3]
    assert [h.rank for h in page3.hits] == [7]
    assert ix.search("common", limit=3, page=9).hits == ()


def test_explain_lists_each_matched_word_with_its_share(seeded):
    hit = seeded.search("Mueller's inquiries", explain=True).hits[0]
    got = {(c.word, c.term, c.field) for c in hit.explanation}
    # Plain words are scored on title and body as one field (issue 14).
    assert {("Mueller's", "mueller", "title+body"), ("inquiries", "inquiri", "title+body")} <= got
    assert all(c.score > 0 and c.frequency >= 1 for c in hit.explanation)
    assert sum(c.score for c in hit.explanation) == pytest.approx(hit.score, rel=0.01)
    assert seeded.search("Mueller").hits[0].explanation == ()


def test_repeated_query_word_counts_twice(tmp_path, location):
    ix = make(
        tmp_path,
        location,
        {
            "a": "Alpha report\n\nThe budget was approved after a long vote on the harbour.",
            "b": "Beta report\n\nThe harbour was busy; budget talks went on elsewhere in town.",
        },
    )
    once = {h.title: h.score for h in ix.search("budget harbour").hits}
    twice = {h.title: h.score for h in ix.search("budget budget harbour").hits}
    assert twice["Alpha report"] > once["Alpha report"]


def test_snippets_can_be_left_out(seeded):
    with_snippets = seeded.search("Mueller inquiry").hits[0]
    without = seeded.search("Mueller inquiry", snippets=False).hits[0]
    assert without.snippet == "" and with_snippets.snippet
    assert (without.id, without.score) == (with_snippets.id, with_snippets.score)


def test_total_is_exact_however_few_hits_are_asked_for(tmp_path, location):
    # Enough postings for Whoosh to skip blocks: its count was once 1,428 of 4,350 on Reuters.
    import json
    import random

    rng = random.Random(7)
    words = [
        "harbour",
        "strike",
        "budget",
        "ferry",
        "council",
        "court",
        "storm",
        "market",
        "election",
    ]
    filler = [f"w{i}" for i in range(2000)]  # varied lengths make Whoosh's block skipping bite
    lines, truth = [], 0
    for i in range(2000):
        picked = rng.sample(words, 3) * rng.randint(1, 4)
        truth += "harbour" in picked or "ferry" in picked
        text = " ".join(picked + rng.sample(filler, 30))
        lines.append(json.dumps({"id": f"d{i}", "title": f"n{i}", "text": text}))
    (tmp_path / "d.jsonl").write_text("\n".join(lines), encoding="utf-8")
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "d.jsonl"], commit_every=1000)
    for limit in (1, 10, 100):
        assert ix.search("harbour ferry", limit=limit).total == truth
    assert ix.search("harbour ferry", limit=5, since="1990").total == 0


def test_expand_adds_the_top_articles_words_to_the_query(tmp_path, location):
    ix = make(
        tmp_path,
        location,
        {
            "a": "Reactor shutdown\n\nThe reactor at the plant was shut down; uranium fuel rods "
            "were removed and the coolant drained.",
            "b": "Fuel rods\n\nEngineers inspected uranium fuel rods and coolant pipes at the site.",
            "c": "Harbour walls\n\nThe old harbour walls stand after the storm.",
        },
    )
    assert {h.title for h in ix.search("reactor").hits} == {"Reactor shutdown"}
    # The top article's words (uranium, fuel, coolant) find the one that never says "reactor".
    hits = ix.search("reactor", expand=True).hits
    assert [h.title for h in hits] == ["Reactor shutdown", "Fuel rods"]
    assert ix.search("reactor title:shutdown", expand=True).total == 1  # syntax: as typed


def test_doc_frequencies_count_each_term_in_one_call(tmp_path, location):
    # Did-you-mean counts a query's words with one request (on OpenSearch, one search).
    ix = make(
        tmp_path,
        location,
        {
            "a": "Harbour report\n\nThe harbour walls were mended.",
            "b": "Storm news\n\nThe storm hit the harbour.",
        },
    )
    engine = ix._engine
    assert engine.doc_frequencies("body", {"harbour", "storm", "absent"}) == {
        "harbour": 2,
        "storm": 1,
        "absent": 0,
    }
    assert engine.doc_frequencies("text", {"harbour", "storm", "report"}) == {
        "harbour": 2,
        "storm": 1,
        "report": 1,
    }
    assert engine.doc_frequencies("title", set()) == {}
