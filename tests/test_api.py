import threading
from datetime import datetime

import pytest

import newsearch
from newsearch import (
    Article,
    DocumentNotFoundError,
    Hit,
    IndexExistsError,
    IndexIncompatibleError,
    IndexNotFoundError,
    IndexReport,
    NewsearchError,
    NewsIndex,
    QueryError,
    SearchResults,
    extract,
)


def test_public_names_are_exported():
    for name in [
        "NewsIndex",
        "extract",
        "Article",
        "Hit",
        "SearchResults",
        "IndexReport",
        "NewsearchError",
    ]:
        assert name in newsearch.__all__ and hasattr(newsearch, name)
    assert issubclass(IndexNotFoundError, NewsearchError)
    assert isinstance(extract("Headline\n\nA story.", kind="text"), Article)


def test_create_refuses_an_existing_index_unless_overwrite(tmp_path, seed):
    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([seed])
    with pytest.raises(IndexExistsError):
        NewsIndex.create(tmp_path / "ix")
    fresh = NewsIndex.create(tmp_path / "ix", overwrite=True)
    assert fresh.stats().documents == 0


def test_create_never_wipes_a_folder_that_is_not_an_index(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("precious")
    with pytest.raises(NewsearchError, match="not a newsearch index"):
        NewsIndex.create(tmp_path / "mine", overwrite=True)
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "precious"


def test_open_errors_name_the_problem(tmp_path, seed):
    with pytest.raises(IndexNotFoundError, match="no index"):
        NewsIndex.open(tmp_path / "nothing")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(IndexNotFoundError, match="is a file"):
        NewsIndex.open(tmp_path / "afile")
    NewsIndex.create(tmp_path / "ix")
    (tmp_path / "ix" / "newsearch.json").write_text('{"format": 999}')
    with pytest.raises(IndexIncompatibleError) as err:
        NewsIndex.open(tmp_path / "ix")
    assert "--rebuild" in err.value.hint
    # ... and the rebuild the hint names works on it.
    ix, report = NewsIndex.rebuild(tmp_path / "ix", [seed])
    assert report.added == 1 and ix.search("Mueller").total == 1


def test_search_returns_plain_dataclasses(seeded):
    res = seeded.search("Mueller inquiry", limit=5)
    assert isinstance(res, SearchResults) and res.total >= 1
    hit = res.hits[0]
    assert isinstance(hit, Hit) and list(res)[0] == hit
    assert hit.title.startswith("US has no proof")
    assert isinstance(hit.published, datetime) and hit.score > 0
    assert "whoosh" not in type(hit.score).__module__


def test_bad_query_type_is_a_query_error(seeded):
    with pytest.raises(QueryError):
        seeded.search(None)


def test_get_by_id_and_by_path(seeded, seed):
    hit = seeded.search("Lavrov").hits[0]
    art = seeded.get(hit.id)
    assert art.title == hit.title and "Tillerson" in art.body
    assert seeded.get(str(seed)).id == hit.id
    with pytest.raises(DocumentNotFoundError):
        seeded.get("no-such-id")


def test_stats(seeded):
    st = seeded.stats()
    assert st.documents == 8
    assert st.oldest.year == 2017 and st.newest.year == 2021
    assert st.sources["Coastal Herald"] == 1


def test_report_counts(index, fixtures):
    rep = index.add_files(fixtures)
    assert isinstance(rep, IndexReport)
    assert rep.indexed == rep.added == rep.documents == 7 and len(rep.failed) == 2


def test_concurrent_searches_from_threads(seeded):
    errors, totals = [], []

    def work():
        try:
            for _ in range(20):
                totals.append(seeded.search("harbour bridge").total)
        except Exception as exc:  # pragma: no cover - recorded for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(totals) == {1}


def test_index_built_with_other_analysis_settings_is_refused(tmp_path):
    import json

    NewsIndex.create(tmp_path / "ix")
    manifest = tmp_path / "ix" / "newsearch.json"
    data = json.loads(manifest.read_text())
    data["analysis"]["stop_words"] = ["the"]
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexIncompatibleError, match="other analysis settings"):
        NewsIndex.open(tmp_path / "ix")
