"""Whoosh facet counting."""

from newsearch.engines.whoosh import ranking as results


class FakeResults:
    def __init__(self, groups):
        self._groups = groups

    def groups(self, name):
        return self._groups[name]


def test_facet_counts_order_and_blanks():
    counts = results.facet_counts(
        FakeResults(
            {
                "source": {"B": 2, "A": 2, "C": 5, "": 9},
                "year": {"2019": 1, "2024": 3, None: 4},
                "tag": {b"sport": 1},
            }
        )
    )
    assert list(counts["source"].items()) == [("C", 5), ("A", 2), ("B", 2)]
    assert list(counts["year"]) == ["2024", "2019"]  # newest first, undated left out
    assert counts["tag"] == {"sport": 1}


def test_facets_keep_only_the_top_values(monkeypatch):
    monkeypatch.setattr(results, "FACET_TOP", 2)
    counts = results.facet_counts(
        FakeResults({"source": {"a": 1, "b": 2, "c": 3}, "year": {}, "tag": {}})
    )
    assert counts["source"] == {"c": 3, "b": 2}
