"""RSS and Atom feeds saved as files: every item an article, the channel its site."""

import pytest

from newsearch import NewsIndex, extract
from newsearch.errors import SourceError
from newsearch.indexer.raw import own_id, scoped_id
from newsearch.indexer.sources import SourceFile, find_files, is_skipped, load

BODY = (
    "The harbour strike went on for a second week on Monday, and the dock workers said they "
    "would stay out until the port authority met them at the gates."
)

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Port News</title>
  <link>https://port.example/</link>
  <item>
    <title>Strike enters second week</title>
    <link>https://port.example/2019/11/18/strike</link>
    <guid isPermaLink="false">port-1234</guid>
    <pubDate>Mon, 18 Nov 2019 09:30:00 GMT</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <category>labour</category><category>ports</category>
    <description>A short teaser.</description>
    <content:encoded><![CDATA[<p>{BODY}</p><p>Talks are set for Friday.</p>]]></content:encoded>
  </item>
  <item>
    <title>Ferry times change</title>
    <link>https://port.example/2019/11/19/ferry</link>
    <author>desk@port.example (Tom Okafor)</author>
    <description>&lt;p&gt;The winter ferry timetable starts on the first of December, the operator
    said, with two fewer sailings a day on the island route.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Coastal Herald</title>
  <entry>
    <title>Bridge reopens</title>
    <id>tag:coastal.example,2021:bridge</id>
    <link rel="alternate" href="https://coastal.example/bridge"/>
    <published>2021-03-14T08:30:00+01:00</published>
    <updated>2021-03-15T10:00:00+01:00</updated>
    <author><name>Mara Lindqvist</name></author>
    <category term="harbour"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{BODY}</p></div></content>
  </entry>
  <entry>
    <title>Plain text entry</title>
    <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
    <content type="text">{BODY}</content>
  </entry>
</feed>
"""

RDF = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old Wire</title></channel>
  <item rdf:about="https://old.example/1">
    <title>An RSS 1.0 item</title><link>https://old.example/1</link>
    <dc:date>2004-05-06T07:08:09Z</dc:date><dc:subject>wire</dc:subject>
    <description>{BODY}</description>
  </item>
</rdf:RDF>
"""


def src(p):
    st = p.stat()
    return SourceFile(str(p.resolve()), st.st_size, st.st_mtime_ns)


def cleaned(raw):
    return extract(raw.content, kind=raw.kind, meta=raw.meta)


def test_rss_items_are_articles(tmp_path):
    p = tmp_path / "port.rss"
    p.write_text(RSS)
    docs, failures = load(src(p))
    assert not failures and len(docs) == 2
    first, second = (cleaned(d) for d in docs)
    assert first.title == "Strike enters second week" and first.site == "Port News"
    assert first.body == BODY + "\n\nTalks are set for Friday."  # content:encoded, not the teaser
    assert first.url == "https://port.example/2019/11/18/strike"
    assert first.published.isoformat() == "2019-11-18T09:30:00+00:00"
    assert first.authors == ("Jane Doe",) and first.tags == ("labour", "ports")
    assert second.authors == ("Tom Okafor",)  # "address (Name)"
    assert second.body.startswith("The winter ferry timetable")  # escaped HTML description
    # Ids are scoped to the file (the same feed saved twice holds the same items); a link
    # stands in for a missing guid.
    assert [own_id(d.id) for d in docs] == ["port-1234", "https://port.example/2019/11/19/ferry"]
    assert docs[0].id == scoped_id(str(p), "port-1234")


def test_atom_entries_are_articles(tmp_path):
    p = tmp_path / "herald.atom"
    p.write_text(ATOM)
    docs, failures = load(src(p))
    assert not failures and [own_id(d.id) for d in docs] == [
        "tag:coastal.example,2021:bridge",
        "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6",
    ]
    bridge, plain = (cleaned(d) for d in docs)
    assert bridge.body == BODY and bridge.site == "Coastal Herald"
    assert bridge.url == "https://coastal.example/bridge" and bridge.tags == ("harbour",)
    assert bridge.published.isoformat() == "2021-03-14T08:30:00+01:00"
    assert bridge.authors == ("Mara Lindqvist",)
    assert docs[1].kind == "text" and plain.body == BODY


def test_rss_1_rdf_items_are_articles(tmp_path):
    p = tmp_path / "wire.xml"
    p.write_text(RDF)
    docs, failures = load(src(p))
    assert not failures and [own_id(d.id) for d in docs] == ["https://old.example/1"]
    art = cleaned(docs[0])
    assert art.site == "Old Wire" and art.tags == ("wire",) and art.body == BODY
    assert art.published.isoformat() == "2004-05-06T07:08:09+00:00"


def test_xml_that_is_no_feed_is_skipped_and_a_broken_feed_fails(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>https://x.example/</loc></url></urlset>"
    )
    (tmp_path / "bad.rss").write_text("<html><body>not a feed</body></html>")
    files, _ = find_files([tmp_path])
    assert sorted(f.path.rsplit("/", 1)[1] for f in files) == ["bad.rss", "sitemap.xml"]
    docs, failures = load(src(tmp_path / "sitemap.xml"))
    assert not docs and is_skipped(failures[0]) and "<urlset>" in failures[0].reason
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        load(src(tmp_path / "bad.rss"))


def test_a_feed_never_fetches_or_expands_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    p = tmp_path / "evil.rss"
    p.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><title>T</title><item><title>Item &x;</title>"
        f"<description>{BODY}</description></item></channel></rss>"
    )
    docs, _ = load(src(p))
    assert all("TOP SECRET" not in d.content + str(d.meta) for d in docs)


def test_feeds_are_indexed_from_a_folder(tmp_path):
    (tmp_path / "port.rss").write_text(RSS)
    (tmp_path / "herald.atom").write_text(ATOM)
    ix = NewsIndex.create(tmp_path / "ix")
    report = ix.add_files([tmp_path])
    assert report.added == 4 and not report.failed
    assert ix.search("ferry timetable").total == 1
