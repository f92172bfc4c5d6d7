"""The indexing dataclasses, made on first use, resolve where they always did, as themselves."""

import pickle

import pytest

from newsearch import engine, engine_index, index_models, models


def test_models_and_engine_hand_out_the_indexing_classes_themselves():
    for name in models.INDEXING:
        assert getattr(models, name) is getattr(index_models, name)
    for name in engine.INDEXING:
        assert getattr(engine, name) is getattr(engine_index, name)
    from newsearch import Article as Public
    from newsearch.models import Article

    assert Public is Article is index_models.Article
    with pytest.raises(AttributeError, match="Articles"):
        models.Articles  # noqa: B018
    with pytest.raises(AttributeError, match="IndexedDocs"):
        engine.IndexedDocs  # noqa: B018


def test_an_indexed_document_survives_the_trip_to_a_worker():
    article = models.Article("Title", "Body", removed=(models.Removed("menu", "boilerplate"),))
    mark = engine.FileMark("12:34", "abc", 1)
    doc = engine.IndexedDoc("id@f", "/data/a.jsonl", article, b"\x00\x01", "story", mark, "d")
    assert pickle.loads(pickle.dumps(doc)) == doc
