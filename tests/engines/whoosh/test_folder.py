"""The API on a folder: what create and open make of folders that are not (or no longer) indexes."""

import pytest

from newsearch import IndexIncompatibleError, IndexNotFoundError, NewsearchError, NewsIndex


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


def test_index_built_with_other_analysis_settings_is_refused(tmp_path):
    import json

    NewsIndex.create(tmp_path / "ix")
    manifest = tmp_path / "ix" / "newsearch.json"
    data = json.loads(manifest.read_text())
    data["analysis"]["stop_words"] = ["the"]
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexIncompatibleError, match="other analysis settings"):
        NewsIndex.open(tmp_path / "ix")
