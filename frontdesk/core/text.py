"""Normalising names and text so that a front desk finds what it types.

张三 is found by 张三, 張三, zhangsan, zhang and zs; 投訴 matches 投诉.
"""

import re
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_t2s = opencc.OpenCC("t2s")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def to_simplified(text: str) -> str:
    return _t2s.convert(text)


def clean_query(text: str | None, limit: int = 100) -> str:
    """A typed search as the services use it: trimmed, bounded, without control characters
    (PostgreSQL refuses NUL in a query)."""
    return _CONTROL.sub("", text or "").strip()[:limit]


def search_key(text: str) -> str:
    """Simplified, lower-case, without spaces: the form stored for a name and used to query it."""
    return _SPACE.sub("", to_simplified(text)).lower()


@lru_cache(maxsize=4096)
def pinyin_keys(name: str) -> tuple[str, str]:
    """The whole pinyin of a name without tones or spaces, and its initials.

    >>> pinyin_keys("張三")
    ('zhangsan', 'zs')
    """
    syllables = [s for s in lazy_pinyin(to_simplified(name), style=Style.NORMAL, errors="default") if s.strip()]
    words = [w.lower() for s in syllables for w in re.findall(r"[A-Za-z0-9]+", s)]
    return "".join(words), "".join(w[0] for w in words)
