import pytest

from newsearch.indexer.sitename import fallback_site


@pytest.mark.parametrize(
    ("path", "url", "record", "name"),
    [
        ("/d/agnews.jsonl.gz", "", True, "agnews"),
        ("/d/reuters21578/docs.jsonl", "", True, "reuters21578"),  # before: "docs"
        ("/d/crawl/part-00003.jsonl", "", True, "crawl"),
        ("/d/crawl/2019-11-19.warc.gz", "", True, "crawl"),
        ("/d/bbc/business/001.txt", "", False, "business"),
        ("/d/x.jsonl", "https://www.bbc.co.uk/news/1", True, "bbc.co.uk"),
        ("/d/bbc/x.html", "http://[::1", False, "bbc"),  # a broken URL is only no host
    ],
)
def test_a_source_name_from_the_url_the_dump_or_the_folder(path, url, record, name):
    assert fallback_site(path, url, record) == name
