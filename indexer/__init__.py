"""Raw news in, Articles out, Articles into the index (installed as ``newsearch.indexer``)."""
