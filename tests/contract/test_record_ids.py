"""A record's id is scoped by its file: two dumps numbering their records 1, 2, … both stay."""

import json

import pytest

from newsearch import AmbiguousIdError, DocumentNotFoundError, NewsIndex


def dump(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


WIRE = [
    {"id": "1", "title": "Crude prices climb", "text": "Oil prices rose on Monday as supply fell."},
    {"id": "2", "title": "Port reopens", "text": "The harbour reopened after the storm passed."},
    {"id": "w-3", "title": "Mill closes", "text": "The paper mill closed its gates for good."},
]
AG = [
    {"id": "1", "title": "League final", "text": "The cup final went to penalties at midnight."},
    {"id": "2", "title": "Chip sales", "text": "Semiconductor sales slowed in the third quarter."},
]


@pytest.fixture
def dumps(tmp_path):
    dump(tmp_path / "wire.jsonl", WIRE)
    dump(tmp_path / "agnews.jsonl", AG)
    return tmp_path


def test_the_same_ids_in_two_dumps_are_two_articles_each(dumps, location):
    ix = NewsIndex.create(location())
    report = ix.add_files([dumps / "wire.jsonl", dumps / "agnews.jsonl"])
    # Before: "5 added" and 3 documents, the wire's 1 and 2 replaced by AG News'.
    assert (report.added, report.updated, ix.stats().documents) == (5, 0, 5)
    assert ix.search("oil").hits[0].title == "Crude prices climb"
    assert ix.search("penalties").hits[0].title == "League final"


def test_indexing_the_second_dump_later_adds_and_then_settles(dumps, location):
    ix = NewsIndex.create(location())
    ix.add_files([dumps / "wire.jsonl"])
    later = ix.add_files([dumps / "agnews.jsonl"])
    assert (later.added, later.updated, ix.stats().documents) == (2, 0, 5)
    again = ix.add_files([dumps / "wire.jsonl", dumps / "agnews.jsonl"])
    # Before: every run re-read both files and reported "2 added", the two dumps taking turns.
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)


def test_editing_one_dump_leaves_the_other_alone(dumps, location):
    ix = NewsIndex.create(location())
    ix.add_files([dumps / "wire.jsonl", dumps / "agnews.jsonl"])
    dump(dumps / "agnews.jsonl", [{**AG[0], "text": AG[0]["text"] + " Fans stayed late."}, AG[1]])
    report = ix.add_files([dumps / "agnews.jsonl"])
    assert report.added == 0 and ix.stats().documents == 5
    assert ix.search("oil").hits[0].title == "Crude prices climb"


def test_prune_after_deleting_a_dump_removes_only_its_articles(dumps, location):
    ix = NewsIndex.create(location())
    ix.add_files([dumps])
    (dumps / "agnews.jsonl").unlink()
    report = ix.add_files([dumps], prune=True)
    assert report.removed == 2 and ix.stats().documents == 3
    assert ix.search("penalties").total == 0 and ix.search("oil").total == 1


def test_no_false_copies_between_records_that_share_an_id(dumps, location):
    ix = NewsIndex.create(location())
    ix.add_files([dumps / "wire.jsonl", dumps / "agnews.jsonl"])
    hits = ix.search("oil OR harbour OR penalties OR semiconductor").hits
    assert len(hits) == 4 and all(h.similar == 0 for h in hits)


def test_an_id_is_found_alone_where_one_file_has_it_and_otherwise_named(dumps, location):
    ix = NewsIndex.create(location())
    ix.add_files([dumps / "wire.jsonl", dumps / "agnews.jsonl"])
    assert ix.get("w-3").title == "Mill closes"  # only the wire has it
    with pytest.raises(AmbiguousIdError) as err:
        ix.get("1")
    assert "2 files" in str(err.value)
    assert "wire.jsonl" in str(err.value) and "agnews.jsonl" in str(err.value)
    full = {ix.get(h.id).title: h.id for h in ix.search("oil OR penalties").hits}
    assert ix.get(full["League final"]).record_id == "1"
    assert ix.get(full["Crude prices climb"]).path.endswith("wire.jsonl")
    with pytest.raises(DocumentNotFoundError):
        ix.get("9")
    ix.delete(full["League final"])
    assert ix.get("1").title == "Crude prices climb"  # one file has it now


def test_an_app_keeps_its_own_ids(location):
    ix = NewsIndex.create(location())
    ix.add_articles([{"id": "cms-7", "title": "Budget", "text": "The council passed its budget."}])
    assert [h.id for h in ix.search("budget").hits] == ["cms-7"]
