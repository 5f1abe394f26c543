"""The Article type, its identity, and parsers for the raw shapes articles arrive in."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as dateparser

from index.errors import InvalidArticle

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

# Publishers whose site names are not simply their domain; others fall back to the host name.
KNOWN_SITES = {
    "themoscowtimes.com": "The Moscow Times",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "afp.com": "AFP",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "nytimes.com": "The New York Times",
    "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "aljazeera.com": "Al Jazeera",
    "france24.com": "France 24",
    "kyivindependent.com": "The Kyiv Independent",
}


@dataclass(frozen=True)
class Article:
    """One news article: its metadata (unknown is ``None``, never invented) and its text."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    byline: str | None = None
    published: str | None = None
    url: str | None = None
    language: str = "en"

    def content_hash(self) -> str:
        """A digest of everything but the id: equal digests mean re-ingest is a no-op."""
        payload = {k: v for k, v in asdict(self).items() if k != "id"}
        return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def metadata(self) -> dict[str, str | None]:
        """The article's fields without its text."""
        return {k: v for k, v in asdict(self).items() if k != "text"}


# --- the article rules: JSON, NDJSON, raw text and CLI files are all held to these -----------

#: What Python's str.isspace() calls blank, spelled out: JSON Schema's ECMA ``\s`` differs from
#: Python's, so the contract and the index could otherwise disagree on what "blank" is.
BLANK = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Anchored patterns read alike by Python (``fullmatch``) and by JSON Schema (ECMA ``search``).
NON_BLANK_PATTERN = rf"^[{BLANK}]*[^{BLANK}][\s\S]*$"
URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][^\x00-\x20\x7f-\x9f]*)?$"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_UNICODE = "Holds an unpaired surrogate (U+D800-U+DFFF), which is not Unicode text."
NO_SUCH_DAY = "No such date or time."


@dataclass(frozen=True)
class Rule:
    """What one text field must be; the HTTP schemas publish the same limits and patterns."""

    max_chars: int | None = None
    pattern: str | None = None
    message: str = ""  # said when the pattern does not match

    def problems(self, value: str) -> list[str]:
        """What is wrong with ``value`` (nothing: an empty list)."""
        found = []
        if _SURROGATE.search(value):
            found.append(NOT_UNICODE)
        if self.max_chars is not None and len(value) > self.max_chars:
            found.append(f"Longer than {self.max_chars:,} characters.")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            found.append(self.message)
        return found


NON_BLANK = Rule(pattern=NON_BLANK_PATTERN, message="Must contain a non-blank character.")
RULES: dict[str, Rule] = {
    "id": Rule(
        pattern=ID_PATTERN.pattern,
        message="Ids are 1-128 characters of letters, digits, '.', '_', ':' or '-'.",
    ),
    "text": NON_BLANK,
    "title": Rule(1000),
    "source": Rule(200),
    "byline": Rule(500),
    "published": Rule(),  # and a real day: normalise_published
    "url": Rule(
        2000,
        URL_PATTERN,
        "Must be an absolute http(s) URL whose host is letters, digits, '.' and '-', "
        "without spaces or control characters.",
    ),
    "language": Rule(20),
}


def article_errors(given: dict[str, object]) -> dict[str, list[str]]:
    """Field -> what is wrong, for article fields as a client sent them (``None``: absent)."""
    errors: dict[str, list[str]] = {}
    for name, value in given.items():
        if name not in RULES:
            errors[name] = ["Unknown field."]
        elif isinstance(value, str):
            problems = RULES[name].problems(value)
            if name == "published" and not problems:
                problems = _published_problems(value)
            if problems:
                errors[name] = problems
        elif value is not None and not (name == "published" and isinstance(value, date)):
            errors[name] = ["Not a valid string."]
    if given.get("text") is None:
        errors.setdefault("text", ["Missing data for required field."])
    return errors


def _published_problems(value: str) -> list[str]:
    try:
        normalise_published(value)
    except ValueError as exc:
        return [str(exc)]
    return []


def build_article(
    text: str,
    *,
    id: str | None = None,  # noqa: A002 - the field is called id in the contract
    title: str | None = None,
    source: str | None = None,
    byline: str | None = None,
    published: str | date | None = None,
    url: str | None = None,
    language: str | None = None,
) -> Article:
    """Hold article fields to :data:`RULES`, then normalise and derive what the contract derives.

    The id is the client's, else one derived from the canonical URL, else from the normalised
    text; ``source`` falls back to the URL's site. Raises :class:`InvalidArticle`.
    """
    given = dict(
        text=text, id=id, title=title, source=source, byline=byline, published=published, url=url
    )
    errors = article_errors({**given, "language": language})
    if errors:
        raise InvalidArticle(errors)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    canonical = canonical_url(url) if url else None
    return Article(
        id=id or _digest_id(canonical or _norm(text)),
        text=text,
        title=_clean(title),
        source=_clean(source) or (site_name(canonical) if canonical else None),
        byline=_clean(byline),
        published=normalise_published(published),
        url=url or None,
        language=_clean(language) or "en",
    )


#: An ISO-8601 day (2025-02-27) or an RFC 3339 date-time (2025-02-27T09:30:00Z): exactly the
#: JSON Schema formats the contract states, for every way in (JSON, NDJSON, raw text, CLI).
PUBLISHED_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?"
)


def normalise_published(value: str | date | None) -> str | None:
    """Return an ISO-8601 date (or datetime, when a time is given), or raise ValueError."""
    if value is None:
        return None
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    text = str(value)
    if PUBLISHED_SHAPE.fullmatch(text):
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).isoformat()
        except ValueError:
            raise ValueError(NO_SUCH_DAY) from None
    raise ValueError("Not an ISO-8601 date or date-time (e.g. 2025-02-27).")


def published_day(published: str | None) -> str | None:
    """The calendar day of an ISO date or datetime, for date-range filtering."""
    return published[:10] if published else None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no ``www.``, fragment or tracking parameters."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("URL must be an absolute http(s) URL.")
    host = parts.hostname.lower().removeprefix("www.")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")])
    return urlunsplit(("https", host, parts.path.rstrip("/") or "/", query, ""))


def site_name(url: str) -> str:
    """The publisher named by a URL's site: a known name, else the host without ``www.``."""
    host = urlsplit(url).hostname or ""
    host = host.lower().removeprefix("www.")
    for site, name in KNOWN_SITES.items():
        if host == site or host.endswith("." + site):
            return name
    return host


def _digest_id(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:16]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None


# --- raw text as found in the wild -----------------------------------------------------------

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_BYLINE = re.compile(r"^By\s+(.+)$", re.IGNORECASE)
_URL_FOOTER = re.compile(r"^Original url:\s*(?:<?(https?://[^\s>]+)>?)?\s*$", re.IGNORECASE)
_BARE_URL = re.compile(r"^<?(https?://[^\s>]+)>?$")
_LINK_LINE = re.compile(r"^(Related article|Read more|See also|Read also)s?\s*:", re.IGNORECASE)
# A photo caption ends with a bold credit such as "**Dmitry Yagodkin / TASS**".
_CAPTION = re.compile(r"\*\*[^*]*(/|Photo|AFP|Reuters|AP|Getty|TASS)[^*]*\*\*\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:[ ,T]+\d{1,2}:\d{2}.*)?$"
)
_TERMINAL = (".", "!", "?", '"', "'", "\u201d", ":")


def is_furniture(paragraph: str) -> bool:
    """Page furniture that is never evidence: link lines, captions, section headings."""
    p = paragraph.strip()
    return bool(
        _LINK_LINE.match(p)
        or _CAPTION.search(p)
        or re.fullmatch(r"-\s+.{1,80}\s+-", p)  # wire-style section markers: - 'Laughable' -
        or re.match(r"^#{1,6}\s", p)
    )


def strip_markup(paragraph: str) -> str:
    """Markdown links become their text; bold and underline markers go."""
    return _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", paragraph))


def parse_raw(raw: str, **given: str | None) -> Article:
    """Parse raw article text in the header/footer or the date-prefix shape.

    Metadata found in the text (title, byline, date, URL) fills fields the caller did not give;
    captions, link lines and the header/footer leave the stored text; markup is stripped.
    """
    found: dict[str, str | None] = {}
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    prefix = _DATE_PREFIX.match(raw)
    if prefix:
        found["published"] = prefix.group(1)
        raw = raw[prefix.end() :]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
    paragraphs = _take_footer(paragraphs, found)
    if not prefix:
        paragraphs = _take_header(paragraphs, found)
    body = [strip_markup(p) for p in paragraphs if not (_CAPTION.search(p) or _LINK_LINE.match(p))]
    merged = {**found, **{k: v for k, v in given.items() if v is not None}}
    return build_article("\n\n".join(body), **merged)


def _take_footer(paragraphs: list[str], found: dict[str, str | None]) -> list[str]:
    for i, p in enumerate(paragraphs):
        footer = _URL_FOOTER.match(p)
        if not footer:
            continue
        url = footer.group(1)
        rest = paragraphs[i + 1 :]
        if not url and rest and _BARE_URL.match(rest[0]):
            url, rest = _BARE_URL.match(rest[0]).group(1), rest[1:]
        found["url"] = url
        return paragraphs[:i] + rest
    return paragraphs


def _take_header(paragraphs: list[str], found: dict[str, str | None]) -> list[str]:
    """Title, byline and date lines at the top, in any order; stops at the first body line."""
    consumed = 0
    for p in paragraphs[:4]:
        byline = _BYLINE.match(p)
        if byline and "byline" not in found and len(p) < 120:
            found["byline"] = strip_markup(byline.group(1)).strip()
        elif _DATE_LINE.match(p) and "published" not in found:
            found["published"] = _header_day(p)
        elif consumed == 0 and len(p) < 200 and not p.endswith(_TERMINAL) and "\n" not in p:
            found["title"] = strip_markup(p)
        else:
            break
        consumed += 1
    if consumed == 1 and "title" in found:
        # A lone unpunctuated first line is not a header without a byline or date beside it.
        del found["title"]
        consumed = 0
    return paragraphs[consumed:]


def _header_day(line: str) -> str:
    """The ISO day of a header's date line ("February 27, 2025"), or InvalidArticle."""
    try:
        return dateparser.parse(line).date().isoformat()
    except (ValueError, OverflowError):  # the shape of a date, but no such day
        raise InvalidArticle({"published": [NO_SUCH_DAY]}) from None


def article_from_mapping(data: dict) -> Article:
    """Build an article from a JSON object, rejecting unknown fields and wrong types."""
    errors = article_errors(data)
    if errors:
        raise InvalidArticle(errors)
    return build_article(**data)
