"""/v1/articles: add (JSON, raw text, NDJSON bulk), replace, read, list and delete articles."""

from __future__ import annotations

from flask import current_app, url_for
from marshmallow import ValidationError
from werkzeug.routing import BaseConverter

from index.ingest import SourceError, ndjson_lines, read_ndjson
from index.records import BulkResult, StoredArticle, WriteResult, WriteStatus
from index.text.articles import ID_PATTERN, Article, build_article, parse_raw

from .api import ARTICLES, JSON, NDJSON, TEXT, WRITE, Resource, operation, text_body
from .errors import ArticleTooLarge, TooManyArticles
from .observability import count_ingested
from .schemas.articles import (
    ArticleInSchema,
    ArticleListQuerySchema,
    ArticleOutSchema,
    ArticlePageSchema,
    ArticleReplaceSchema,
    BulkResultSchema,
    RawArticleParamsSchema,
    RawReplaceParamsSchema,
    WriteResultSchema,
)
from .stores import store

bp = Resource("articles", __name__, tag=ARTICLES)


class ArticleIdConverter(BaseConverter):
    """An article id in a path; anything else is not a route (404), as the contract states."""

    regex = ID_PATTERN.pattern.removeprefix("^").removesuffix("$")


bp.record_once(lambda state: state.app.url_map.converters.update(article_id=ArticleIdConverter))


def raw_text(query: dict) -> str:
    """A text/plain body: the raw article, size-checked (its metadata is in ``query``)."""
    raw = text_body()
    _check_size(raw)
    return raw


def bulk_articles(query: dict) -> list[Article]:
    """Every article of an NDJSON body; any bad line rejects the whole request (422)."""
    lines = ndjson_lines(text_body())
    limit = current_app.config["PROVENANCE"].max_bulk_articles
    count = sum(1 for line in lines if line.strip())
    if count > limit:
        raise TooManyArticles(
            f"The body holds {count:,} articles; one request takes at most {limit:,} "
            "(PROVENANCE_MAX_BULK_ARTICLES). Send the rest in further requests."
        )
    parsed = list(read_ndjson(lines, "line"))
    errors = {p.where: p.errors for p in parsed if isinstance(p, SourceError)}
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError({"_schema": ["The body holds no article."]})
    for article in parsed:
        _check_size(article.text)
    return parsed


@bp.post("/v1/articles")
@operation(
    access=WRITE,
    body=ArticleInSchema,
    body_types=(JSON, TEXT, NDJSON),
    loaders={TEXT: raw_text, NDJSON: bulk_articles},
    query=RawArticleParamsSchema,
    response=(WriteResultSchema, BulkResultSchema),
    status=201,
    errors=(400, 401, 403, 409, 413, 415, 422, 503, 507),
)
def create_article(query: dict, body: dict | str | list[Article]):
    """Add one article (JSON or raw text), or many as NDJSON; identical content is a no-op."""
    if isinstance(body, list):  # NDJSON
        results = store().add_many(body, batch_size=1_000_000)
        count_ingested(results)
        summary = BulkResult.of(results)
        return summary, 201 if summary.created else 200
    return written(store().add(incoming_article(query, body)))


@bp.put("/v1/articles/<article_id:article_id>")
@operation(
    access=WRITE,
    body=ArticleReplaceSchema,
    body_types=(JSON, TEXT),
    loaders={TEXT: raw_text},
    query=RawReplaceParamsSchema,
    response=WriteResultSchema,
    status=201,
    errors=(400, 401, 403, 404, 413, 415, 422, 503, 507),
)
def replace_article(article_id: str, query: dict, body: dict | str):
    """Replace the article with this id (or create it)."""
    return written(store().add(incoming_article(query, body, article_id), replace=True))


@bp.get("/v1/articles/<article_id:article_id>")
@operation(response=ArticleOutSchema, errors=(404,))
def get_article(article_id: str) -> dict:
    """The article with its text and sentences (with character offsets)."""
    return article_out(store().get(article_id))


@bp.delete("/v1/articles/<article_id:article_id>")
@operation(access=WRITE, response=None, status=204, errors=(401, 403, 404, 503, 507))
def delete_article(article_id: str) -> None:
    """Remove the article; its sentences stop matching at once."""
    store().delete(article_id)


@bp.get("/v1/articles")
@operation(query=ArticleListQuerySchema, response=ArticlePageSchema, errors=(422,))
def list_articles(query: dict) -> dict:
    """Articles in id order, filtered by source and publication day, a page at a time."""
    page = store().list(query["where"], query["cursor"], query["limit"])
    return {"articles": page.articles, "next_cursor": page.next_cursor}


def incoming_article(query: dict, body: dict | str, article_id: str | None = None) -> Article:
    """The article of a JSON body (a dict) or a text/plain one (its raw text, size-checked)."""
    if isinstance(body, str):
        return parse_raw(body, **{**query, "id": article_id or query.get("id")})
    _check_size(body["text"])
    return build_article(**{**body, "id": article_id or body.get("id")})


def written(result: WriteResult) -> tuple[WriteResult, int, dict]:
    """201 with a Location for a new article, else 200."""
    count_ingested([result])
    if result.status == WriteStatus.CREATED:
        return result, 201, {"Location": url_for("articles.get_article", article_id=result.id)}
    return result, 200, {}


def article_out(stored: StoredArticle) -> dict:
    return {"article": stored.article, "text": stored.article.text, "sentences": stored.sentences}


def _check_size(text: str) -> None:
    limit = current_app.config["PROVENANCE"].max_article_bytes
    if len(text.encode("utf-8")) > limit:
        raise ArticleTooLarge(f"The article text is larger than {limit:,} bytes.")
