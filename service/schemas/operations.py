"""Operations: the answers of /healthz (alive) and /readyz (ready to serve, and how)."""

from __future__ import annotations

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.Str(required=True)


class ReadySchema(Schema):
    status = fields.Str(required=True)
    articles = fields.Int(required=True)
    sentences = fields.Int(required=True)
    backend = fields.Str(required=True, metadata={"enum": ["whoosh", "opensearch"]})
    backend_status = fields.Str(
        required=True,
        metadata={
            "description": "`ok` for the embedded index; the cluster's health (green, yellow) "
            "for OpenSearch, where red makes /readyz answer 503."
        },
    )
    nodes = fields.Int(
        allow_none=True, metadata={"description": "OpenSearch: nodes in the cluster (else null)."}
    )
    ranking = fields.Str(
        required=True,
        metadata={
            "enum": ["lexical", "semantic"],
            "description": "`semantic` when sentence embeddings rank the answers "
            "(PROVENANCE_SEMANTIC=on, docs/quality.md); else `lexical`.",
        },
    )
    judge = fields.Str(
        required=True,
        metadata={
            "enum": ["verifier", "lexical"],
            "description": "`verifier` when the shipped entailment model decides which "
            "sentences support the claim (the default, docs/verifier.md); `lexical` with "
            "PROVENANCE_VERIFIER=off.",
        },
    )
    writable = fields.Bool(
        required=True,
        metadata={
            "description": "Whether writes are taken now: false on a read-only index directory "
            "(writes answer 503) or a full one (507); reads go on either way."
        },
    )
    writes_refused = fields.Str(
        allow_none=True,
        metadata={"description": "Why writes are refused, when they are (else null)."},
    )
