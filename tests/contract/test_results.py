"""Collapse, copies, facets and more-like-this on small indexes, including an empty one."""

from newsearch import NewsIndex


def test_an_empty_index_answers_with_every_feature_on(tmp_path, location):
    ix = NewsIndex.create(location())
    res = ix.search("anything last week", facets=True)
    assert res.total == 0 and res.hits == ()
    assert res.facets == {"source": {}, "year": {}, "tag": {}}
