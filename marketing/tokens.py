"""The catalog's bilingual tokenisation, for the site's own (small) item lists: Latin words
whole and lower-cased, Chinese runs as overlapping character bigrams (cataloging.marc.cjk_bigrams,
what the catalog's tsvector holds), so "信息检索" finds "中文信息检索服务" on the site as in the
catalog. A one-character Chinese word matches as a substring."""

from __future__ import annotations

import re

from cataloging.marc import cjk_bigrams

_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> set[str]:
    return set(cjk_bigrams(" ".join(_WORD.findall((text or "").lower()))).split())


def matches(query: str, text: str) -> bool:
    """Every token of the query is a token of the text (AND, as the catalog's keyword search)."""
    wanted = tokens(query)
    if not wanted:
        return False
    have = tokens(text)
    lowered = (text or "").lower()
    return all(token in have or (len(token) == 1 and token in lowered) for token in wanted)
