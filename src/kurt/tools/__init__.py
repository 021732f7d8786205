"""Kurt's own tools and engines: the ``fetch`` and ``map`` tools, the fetchers
(``httpx``, ``trafilatura``, ``file``) and the mappers (``sitemap``, ``rss``,
``crawl``, ``folder``), registered through the same decorators a skill uses.
The contract they are written against is :mod:`kurt.core`."""
