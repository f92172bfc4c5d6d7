"""An article that names no site gets one --source and the facets can match."""

import json

from newsearch import NewsIndex


def test_articles_without_a_site_are_named_by_url_host_dump_or_folder(tmp_path, location):
    recs = [
        {"id": "1", "title": "Ferry strike", "text": "Ferry crews walked out over pay."},
        {"id": "2", "text": "Ferry timetables change.", "url": "https://www.portnews.example/a/2"},
    ]
    (tmp_path / "agnews.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    (tmp_path / "business").mkdir()
    (tmp_path / "business" / "001.txt").write_text("Ferry fares rise\n\nFerry fares rose again.")
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "agnews.jsonl", tmp_path / "business"])
    by_title = {h.title: h.source for h in ix.search("ferry").hits}
    # Before: the file path, which --source matched nothing for, and a blank name in stats.
    assert by_title == {
        "Ferry strike": "agnews",
        "Ferry timetables change.": "portnews.example",
        "Ferry fares rise": "business",
    }
    assert [h.title for h in ix.search("ferry", source="agnews").hits] == ["Ferry strike"]
    assert ix.search("ferry", facets=True).facets["source"] == {
        "agnews": 1,
        "portnews.example": 1,
        "business": 1,
    }
    assert "" not in ix.stats().sources
