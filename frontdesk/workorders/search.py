"""Finding work orders by what a front desk types: 漏水 or 漏, the Traditional 投訴 for 投诉,
"Leak" in any case, a fragment of the caller's phone, or the order number.

Each order keeps a `search_text`: its number, text fields, phone digits and customer name,
Simplified and lower-cased. From it, `index_text` derives the order's index terms, kept in a
full-text index (the table `workorders_search`: FTS5 on SQLite, a tsvector with a GIN index on
PostgreSQL) that `write_index` updates in the transaction that changes the order. A query goes
through the same tokenisation (`query_tokens`), so both sides always agree:

- every CJK character is a token of its own: a phrase of adjacent characters finds a Chinese
  fragment of any length (漏, 漏水, 裝修噪音) without a dictionary;
- a Latin word is one lower-cased token, matched as a prefix ("leak" finds "leaking");
- a digit run is one token, and every shorter suffix of 3 digits or more is an extra token, so a
  prefix query finds a fragment anywhere in a phone number (0013 finds 13800138000).

The suffixes go in a column (SQLite) or weight (PostgreSQL) of their own: phrases, whose tokens
must be adjacent, are matched against the words only.

Every word of a query must be found. Only tokens (letters and digits) ever reach the engine, each
quoted, so nothing typed (AND, NEAR, quotes, *, -, parentheses) can change a query's syntax; a
word with no letter or digit in it (%, _) finds nothing. The index is written here, explicitly,
rather than by a database trigger, because the tokenisation is Python (OpenCC, phone parsing):
a trigger could not compute it, and writing it from the service keeps it in the same transaction.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from frontdesk.core.phones import dialled_digits, national_digits
from frontdesk.core.text import clean_query, search_key, to_simplified
from frontdesk.workorders.procedure import Procedure

INDEX_TABLE = "workorders_search"

# Field types whose values a person would type to find the order again.
_TEXT_TYPES = ("text", "long_text", "room")
_SPACES = re.compile(r"\s+")
# Suffixes are indexed for digit runs up to this length (phones have at most 15 digits); a longer
# run is found from its start only, so that a pasted number cannot bloat the index.
_FRAGMENT_MIN, _FRAGMENT_RUN_MAX = 3, 24
# A token longer than this is cut (PostgreSQL refuses lexemes over 2 KB; nobody types 64 letters).
_TOKEN_MAX = 64
# PostgreSQL keeps positions up to 16383; later words are not needed for phrases.
_POSITION_MAX = 16383


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", to_simplified(text)).strip().lower()


def search_text_for(order, procedure: Procedure) -> str:
    """The text a search matches for `order` as it is now (fields and customer in memory)."""
    parts = [order.number]
    for key, value in order.fields.items():
        spec = procedure.fields.get(key)
        if spec is None or not value:
            continue
        if spec.type in _TEXT_TYPES:
            parts.append(str(value))
        elif spec.type == "phone":
            parts.append(national_digits(value))
    if order.customer_id is not None:
        customer = order.customer
        parts.append(customer.name)
        parts += [c.digits for c in customer.contacts.all() if c.digits]
    return "\n".join(_normalised(part) for part in parts if part)


# --- tokens ----------------------------------------------------------------------------------

CJK, WORD, DIGITS = "cjk", "word", "digits"


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, token) pairs of `text` in order: each CJK (or other unspaced script) character,
    each run of letters, each run of digits. Everything else only separates tokens."""
    # NFKC: full-width ＡＢＣ１２３ as typed by a Chinese input method are ABC123. (Both the
    # search text and the query terms are Simplified already.)
    text = unicodedata.normalize("NFKC", text).lower()
    result: list[tuple[str, str]] = []
    run, run_kind = [], None
    for char in text:
        category = unicodedata.category(char)
        if category == "Nd":
            kind = DIGITS
        elif category == "Lo":  # Han, kana, Hangul...: scripts written without spaces
            kind = CJK
        elif category[0] == "L":
            kind = WORD
        else:
            kind = None
        if run and (kind != run_kind or kind == CJK):
            result.append((run_kind, "".join(run)[:_TOKEN_MAX]))
            run = []
        if kind is not None:
            run.append(char)
            run_kind = kind
    if run:
        result.append((run_kind, "".join(run)[:_TOKEN_MAX]))
    return result


def index_text(search_text: str) -> tuple[list[str], list[str]]:
    """The order's index terms: its tokens in order (for phrases), and the digit fragments."""
    words, fragments = [], []
    for kind, token in tokens(search_text):
        words.append(token)
        if kind == DIGITS and len(token) <= _FRAGMENT_RUN_MAX:
            fragments += [token[start:] for start in range(1, len(token) - _FRAGMENT_MIN + 1)]
    return words, fragments


_INTERNATIONAL_PHONE = re.compile(r"(\+|00)[\d\s-]+")


def query_terms(q: str) -> list[str]:
    """The search keys of the words of `q`. A phone typed the international way (+86 136 1234
    9876) is one term, its national digits, as the order stores them."""
    q = clean_query(q)
    if _INTERNATIONAL_PHONE.fullmatch(q):
        return [dialled_digits(q)]
    return [key for key in (search_key(word) for word in q.split()) if key]


def query_tokens(q: str) -> list[list[tuple[str, str]]] | None:
    """The tokens of each word of `q`, every word to be found; [] for an empty query (everything
    matches), None when a word has nothing to look for (only punctuation: nothing matches)."""
    words = [tokens(term) for term in query_terms(q)]
    if any(not word for word in words):
        return None
    return words


# --- the engines' match expressions ----------------------------------------------------------


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(words: list[list[tuple[str, str]]]) -> str:
    """The FTS5 MATCH expression for the query words: a word of one token is looked up in both
    columns (a digit fragment is a suffix token), a word of several is a phrase of the words
    column. The last token of a word is a prefix unless it is a whole CJK character."""
    terms = []
    for word in words:
        parts = [_fts5_string(token) for _kind, token in word]
        if word[-1][0] != CJK:
            parts[-1] += "*"
        terms.append(parts[0] if len(parts) == 1 else "words : (" + " + ".join(parts) + ")")
    return " AND ".join(terms)


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(words: list[list[tuple[str, str]]]) -> str:
    """The same as fts5_match as a PostgreSQL tsquery: weight A marks the words, D the fragments."""
    terms = []
    for word in words:
        weight = "A" if len(word) > 1 else ""
        parts = [_lexeme(token) + (":" + weight if weight else "") for _kind, token in word]
        if word[-1][0] != CJK:
            parts[-1] = _lexeme(word[-1][1]) + ":*" + weight
        terms.append("(" + " <-> ".join(parts) + ")")
    return " & ".join(terms)


def tsvector(words: list[str], fragments: list[str]) -> str:
    """The tsvector literal of an order's index terms (positions keep the words' order)."""
    positions: dict[str, list[str]] = {}
    for position, token in enumerate(words[:_POSITION_MAX], start=1):
        positions.setdefault(token, []).append(f"{position}A")
    after = min(len(words), _POSITION_MAX)
    for position, token in enumerate(fragments, start=after + 1):
        positions.setdefault(token, []).append(f"{min(position, _POSITION_MAX)}")  # weight D
    return " ".join(f"{_lexeme(token)}:{','.join(places[:256])}" for token, places in positions.items())


# --- writing and matching --------------------------------------------------------------------


def index_rows(rows) -> list[tuple]:
    """Parameters for the INSERT of `index_sql()` from (order id, search_text) pairs."""
    result = []
    for order_id, text in rows:
        words, fragments = index_text(text)
        if connection.vendor == "postgresql":
            result.append((order_id, tsvector(words, fragments)))
        else:
            result.append((order_id, " ".join(words), " ".join(fragments)))
    return result


def index_sql() -> str:
    """One statement that writes (or rewrites) an order's entry in the index."""
    if connection.vendor == "postgresql":
        return (
            f"INSERT INTO {INDEX_TABLE} (order_id, terms) VALUES (%s, %s::tsvector) "
            "ON CONFLICT (order_id) DO UPDATE SET terms = EXCLUDED.terms"
        )
    return f"INSERT OR REPLACE INTO {INDEX_TABLE} (rowid, words, fragments) VALUES (%s, %s, %s)"


def write_index(rows) -> None:
    """Index the orders of (order id, search_text) pairs, in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.executemany(index_sql(), index_rows(rows))


def fill_index(work_order_model) -> int:
    """Index every order from its stored search_text, in batches: for a migration (given its
    historical model) and after `frontdesk restore`, whose backup holds the orders but not this
    derived table. Returns how many orders were indexed."""
    last_id, count = 0, 0
    while True:
        rows = list(
            work_order_model.objects.filter(id__gt=last_id).order_by("id").values_list("id", "search_text")[:2000]
        )
        if not rows:
            return count
        write_index(rows)
        last_id, count = rows[-1][0], count + len(rows)


@dataclass(frozen=True)
class Window:
    """The newest `size` matches with an id below `before_id` (all ids when None)."""

    size: int
    before_id: int | None = None


def uses_windows(q: str) -> bool:
    """Whether a page of this search can look at a window of the newest matches first. FTS5
    hands matches over in id order, so the newest thousands cost under a millisecond where
    gathering every match of a common word (a sixth of a million orders) costs fifty; a GIN
    index has no order, and PostgreSQL's planner already reads newest-first for common words."""
    return connection.vendor == "sqlite" and bool(query_tokens(q))


def _fts5_matches(words, window: Window | None) -> tuple[str, list]:
    sql, params = f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH %s", [fts5_match(words)]
    if window is not None:
        if window.before_id is not None:
            sql, params = sql + " AND rowid < %s", [*params, window.before_id]
        sql, params = sql + " ORDER BY rowid DESC LIMIT %s", [*params, window.size]
    return sql, params


def window_is_full(q: str, window: Window) -> bool:
    """True when the window holds `size` matches, so older ones may lie beyond it."""
    sql, params = _fts5_matches(query_tokens(q), window)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql})", params)
        return cursor.fetchone()[0] >= window.size


def matching(q: str, window: Window | None = None) -> Q:
    """A filter every word of `q` must satisfy (an empty query matches everything); with a
    window (SQLite only), only the matches inside it."""
    words = query_tokens(q)
    if not words:
        return Q() if words == [] else Q(pk__in=[])
    if connection.vendor == "postgresql":
        found = RawSQL(f"SELECT order_id FROM {INDEX_TABLE} WHERE terms @@ %s::tsquery", [tsquery(words)])
    else:
        found = RawSQL(*_fts5_matches(words, window))
    return Q(id__in=found)
