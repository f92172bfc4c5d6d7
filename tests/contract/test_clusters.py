"""Near-duplicate clusters at index time: in one run, across runs, across commits, on update."""

import json

import pytest

from newsearch import NewsIndex
from newsearch.indexer.raw import own_id

STORY = (
    "The harbour board voted on Tuesday to sell the old customs house on the quay to a housing "
    "trust for a nominal sum, ending a decade of arguments over the empty building. Members "
    "said the trust had promised to keep the facade and the clock tower and to let the ground "
    "floor to local businesses at low rents for at least fifteen years after the sale."
)
OTHER = (
    "A late goal from the visiting captain settled a tense cup tie on Saturday evening, sending "
    "the home side out of the competition for the third season in a row. The manager blamed a "
    "crowded fixture list and a long injury list for a flat second half performance."
)


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def rec(i, text, site="Daily"):
    return {"id": f"a{i}", "title": f"Story {i}", "text": text, "source": site}


def keys(ix):
    """Each record's story key, by the records' own ids (the index scopes both by file)."""
    return {own_id(doc_id): own_id(story) for doc_id, story, _ in ix._engine.stories()}


def test_copies_in_one_run_share_the_first_ones_key(tmp_path, location):
    edited = STORY.replace("on Tuesday", "on Tuesday evening").replace("said", "told reporters")
    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(2, OTHER), rec(3, edited, "Wire")])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    assert keys(ix) == {"a1": "a1", "a2": "a2", "a3": "a1"}


def test_a_copy_indexed_later_joins_the_committed_story(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(2, OTHER)])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    write(tmp_path / "b.jsonl", [rec(3, STORY + " The sale completes in May.", "Wire")])
    ix.add_files([tmp_path / "b.jsonl"])
    assert keys(ix)["a3"] == "a1"
    hits = ix.search("customs house housing trust").hits
    assert len(hits) == 1 and hits[0].similar == 1


def test_commits_inside_a_run_do_not_lose_the_link(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(2, OTHER), rec(3, STORY), rec(4, OTHER)])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"], commit_every=1)
    assert keys(ix) == {"a1": "a1", "a2": "a2", "a3": "a1", "a4": "a2"}


def test_an_updated_article_is_not_its_own_copy(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, STORY)])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    write(tmp_path / "a.jsonl", [rec(1, STORY + " Updated with the vote count.")])
    ix.add_files([tmp_path / "a.jsonl"])
    assert keys(ix) == {"a1": "a1"}
    assert ix.search("customs house").hits[0].similar == 0


def test_short_texts_are_never_clustered(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, "Markets closed."), rec(2, "Markets closed.")])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    assert keys(ix) == {"a1": "a1", "a2": "a2"}


def test_a_record_repeated_in_one_dump_is_indexed_and_folded(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(1, STORY), rec(2, OTHER)])
    ix = NewsIndex.create(location())
    report = ix.add_files([tmp_path / "a.jsonl"])
    assert not report.failed and report.added == 3
    assert len(ix.search("customs house").hits) == 1


def test_a_rewritten_article_leaves_its_old_copies_behind(tmp_path, location):
    write(tmp_path / "a.jsonl", [rec(1, STORY)])
    write(tmp_path / "b.jsonl", [rec(2, STORY + " Reported by the wire.")])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    ix.add_files([tmp_path / "b.jsonl"])
    assert keys(ix)["a2"] == "a1"
    write(tmp_path / "a.jsonl", [rec(1, OTHER)])  # the same id, now a different story
    ix.add_files([tmp_path / "a.jsonl"])
    assert keys(ix)["a1"] != "a1" and keys(ix)["a2"] == "a1"
    assert ix.search("customs house").hits[0].similar == 0
    assert ix.search("cup tie captain").hits[0].similar == 0


def test_fingerprints_lost_in_a_crash_between_the_two_commits_are_rebuilt(
    tmp_path, location, monkeypatch
):
    from newsearch.indexer.clusters import Clusters

    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(2, OTHER)])
    ix = NewsIndex.create(location())
    real = Clusters.commit

    def crash_once_articles_are_in(self):
        if self._engine.count():
            raise SystemExit(9)  # killed right after the engine's commit
        real(self)

    monkeypatch.setattr(Clusters, "commit", crash_once_articles_are_in)
    with pytest.raises(SystemExit):
        ix.add_files([tmp_path / "a.jsonl"])  # the articles are committed, their rows are not
    monkeypatch.setattr(Clusters, "commit", real)
    assert ix.stats().documents == 2
    # Before: the re-run said "unchanged" and later copies were never folded.
    write(tmp_path / "b.jsonl", [rec(3, STORY + " The sale completes in May.", "Wire")])
    ix.add_files([tmp_path / "b.jsonl"])
    assert keys(ix)["a3"] == "a1"


def test_a_damaged_near_duplicate_store_is_rebuilt_not_an_error_on_every_run(tmp_path, location):
    from newsearch.indexer.clusters import FILE

    write(tmp_path / "a.jsonl", [rec(1, STORY), rec(2, OTHER)])
    ix = NewsIndex.create(location())
    ix.add_files([tmp_path / "a.jsonl"])
    state = ix._engine.state_file(FILE)
    with open(state, "wb") as fh:
        fh.write(b"this is not a database" * 100)
    write(tmp_path / "b.jsonl", [rec(3, STORY + " The sale completes in May.", "Wire")])
    report = ix.add_files([tmp_path / "b.jsonl"])  # was sqlite3.DatabaseError
    assert report.added == 1 and keys(ix)["a3"] == "a1"
