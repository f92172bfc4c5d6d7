"""Query strings in, ranked hits with snippets out (installed as ``newsearch.query``)."""
