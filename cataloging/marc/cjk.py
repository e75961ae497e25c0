"""Chinese in full-text search: overlapping character pairs instead of a segmenter."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")


def cjk_bigrams(text: str) -> str:
    """Chinese has no spaces, so PostgreSQL's parser makes one token of a whole run of
    characters. Indexing (and querying) overlapping character pairs instead, as Lucene's CJK
    analyzer does, lets "信息检索" match "中文信息检索系统" without a Chinese segmenter."""

    def pairs(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return " ".join(_CJK.sub(pairs, text or "").split())
