"""The HTTP contract, one module per resource: every request and response shape.

``common`` holds what the resources share (base schemas, field types, the evidence item,
``?format=``, problem details); ``evidence``, ``drafts``, ``articles`` and ``operations`` hold
each resource's own. Import from the module that defines a schema. They are the single source
of openapi.yaml (``service.openapi`` renders it).
"""
