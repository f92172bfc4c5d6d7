"""The engine on the real test cluster: lock, lease, generations, alias swaps, options."""

from __future__ import annotations

import time

import pytest

from newsearch import IndexExistsError, NewsearchError, NewsIndex
from newsearch.engines.opensearch import control
from newsearch.errors import IndexLockedError, IndexNotFoundError

STORY = "Harbour board votes to sell the customs house to a housing trust."


def client(ix: NewsIndex):  # type: ignore[no-untyped-def]
    return ix._engine._client


def versions(ix: NewsIndex, name: str) -> list[str]:
    return sorted(client(ix).indices.get(index=f"{name}-v*", params={"expand_wildcards": "all"}))


def test_the_alias_names_a_versioned_index_with_the_shards_asked_for(fresh):
    where = fresh()
    ix = NewsIndex.create(where + "?shards=1&replicas=0")
    name = where.rsplit("/", 1)[1]
    (index,) = versions(ix, name)
    assert index.startswith(f"{name}-v") and ix.stats().settings["index"] == index
    got = client(ix).indices.get_settings(index=index)[index]["settings"]["index"]
    assert (got["number_of_shards"], got["number_of_replicas"]) == ("1", "0")
    assert ix.location == where and NewsIndex.open(where).search("x").total == 0


def test_open_create_and_overwrite(fresh):
    where = fresh()
    with pytest.raises(IndexNotFoundError):
        NewsIndex.open(where)
    ix = NewsIndex.create(where)
    ix.add_articles([{"id": "a", "title": "Harbour", "text": STORY}])
    with pytest.raises(IndexExistsError):
        NewsIndex.create(where)
    again = NewsIndex.create(where, overwrite=True)
    name = where.rsplit("/", 1)[1]
    assert again.stats().documents == 0 and len(versions(again, name)) == 1


def test_a_plain_index_of_that_name_is_never_taken_over(fresh):
    where = fresh()
    ix = NewsIndex.create(fresh())
    name = where.rsplit("/", 1)[1]
    client(ix).indices.create(index=name)
    try:
        with pytest.raises(NewsearchError, match="not a newsearch alias"):
            NewsIndex.create(where, overwrite=True)
    finally:
        client(ix).indices.delete(index=name)


def test_credentials_in_the_url_are_not_in_location_or_repr(fresh):
    where = fresh().replace("//", "//alice:s3cr3t@", 1)
    ix = NewsIndex.create(where)  # security is off on the test cluster: any user gets in
    assert "s3cr3t" not in ix.location + repr(ix) + str(ix.stats().path)
    assert "alice" not in ix.location


def test_every_commit_changes_the_generation(fresh):
    ix = NewsIndex.create(fresh())
    engine = ix._engine
    seen = [engine.generation()]
    for n in range(3):
        ix.add_articles([{"id": f"a{n}", "title": "Harbour", "text": STORY + str(n)}])
        seen.append(engine.generation())
    assert len(set(seen)) == 4


def test_one_writer_at_a_time_and_a_lapsed_lease_is_taken_over(fresh):
    where = fresh()
    first = NewsIndex.create(where)._engine
    second = NewsIndex.open(where)._engine
    with first.lock(1.0):
        with pytest.raises(IndexLockedError, match="another indexing run"):
            second.writer(0.3)
        with pytest.raises(IndexLockedError), second.lock(0.3):
            pass
        w = first.writer(0.3)  # the holder itself writes without waiting
        w.cancel()
    with second.lock(1.0):
        pass
    # A run killed while holding the lock stops renewing it: after LEASE it is taken over.
    lock_index = control.control_index(where.rsplit("/", 1)[1])
    stale = {"owner": "gone:1:dead", "expires": time.time() - 1}
    second._client.index(index=lock_index, id="lock", body=stale, op_type="create")
    with second.lock(2.0):
        held = second._client.get(index=lock_index, id="lock")["_source"]
        assert held["owner"] != "gone:1:dead" and held["expires"] > time.time()


def test_rebuild_swaps_the_alias_and_a_failed_one_leaves_the_old(fresh, tmp_path):
    where = fresh()
    name = where.rsplit("/", 1)[1]
    ix = NewsIndex.create(where)
    ix.add_articles([{"id": "old", "title": "Old harbour", "text": STORY}])
    (before,) = versions(ix, name)
    (tmp_path / "new.txt").write_text("Ferry strike\n\nFerry crews walked out today.\n")

    seen_during = []

    def progress(*_):  # the old index keeps answering while the new one is built
        seen_during.append(NewsIndex.open(where).search("harbour").total)

    with pytest.raises(RuntimeError):
        from newsearch import engines

        def broken(engine):
            engine.writer(1.0).cancel()
            raise RuntimeError("build failed")

        engines.rebuild(where, 1.0, broken)
    assert versions(ix, name) == [before] and ix.search("harbour").total == 1

    rebuilt, report = NewsIndex.rebuild(where, [tmp_path], progress=progress)
    assert report.added == 1 and seen_during and set(seen_during) == {1}
    (after,) = versions(ix, name)
    assert after != before and rebuilt.stats().settings["index"] == after
    assert ix.search("ferry").total == 1 and ix.search("harbour").total == 0


def test_a_killed_rebuilds_index_is_deleted_by_the_next_run_with_its_cache(fresh):
    where = fresh()
    name = where.rsplit("/", 1)[1]
    ix = NewsIndex.create(where)
    engine = ix._engine
    ix.add_articles([{"id": "a", "title": "Harbour", "text": STORY}])
    (live,) = versions(ix, name)
    cache = control.cache_folder(engine.target, live)
    assert (cache / "clusters.sqlite").is_file()  # the near-duplicate store of the live index
    orphan = control.create_version(engine._client, engine.target)  # as a killed rebuild leaves
    control.cache_folder(engine.target, orphan).mkdir(parents=True)
    assert versions(ix, name) == sorted([live, orphan])
    with engine.lock(1.0):
        assert versions(ix, name) == [live]
    assert not control.cache_folder(engine.target, orphan).exists() and cache.is_dir()
    NewsIndex.create(where, overwrite=True)
    assert not cache.exists()  # the replaced index's cache went with it
