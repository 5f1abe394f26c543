# The provenance service: gunicorn on $PORT, seeds baked into the package, the index on a volume.
# The base is a build argument so that machines without a registry can build from a local base
# (scripts/docker-test.sh makes one); any Debian-like image with Python >= 3.11 and venv will do.
ARG BASE_IMAGE=python:3.12-slim

FROM ${BASE_IMAGE} AS builder
# Optional extras to install too, comma-separated: EXTRAS=semantic gives an image that can run
# with PROVENANCE_SEMANTIC=on (docs/quality.md).
ARG EXTRAS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/venv
WORKDIR /build
# pyproject.toml always exists, which keeps this COPY valid when the context has no wheelhouse/.
COPY pyproject.toml wheelhouse* wheels/
# With a wheelhouse, pip takes every package from it and never asks the index (offline build).
RUN if ls wheels/*.whl >/dev/null 2>&1; then \
        printf '[global]\nno-index = true\nfind-links = /build/wheels\n' > /etc/pip.conf; \
    fi \
 && EXTRAS="$EXTRAS" python3 -c 'import os, tomllib; \
        project = tomllib.load(open("wheels/pyproject.toml", "rb"))["project"]; \
        extras = [e for e in os.environ["EXTRAS"].split(",") if e]; \
        optional = [r for e in extras for r in project["optional-dependencies"][e]]; \
        print(*project["dependencies"], *optional, sep="\n")' > requirements.txt \
 && /opt/venv/bin/pip install --requirement requirements.txt
# Dependencies above, the project below: a code change reuses the dependency layer.
COPY pyproject.toml README.md src/
COPY index src/index
COPY seeds src/seeds
COPY service src/service
# The runtime needs neither pip nor setuptools: dropping them takes a third off the venv.
RUN /opt/venv/bin/pip install --no-deps ./src \
 && /opt/venv/bin/pip uninstall --yes --quiet pip setuptools \
 && /opt/venv/bin/python -c 'from index.ingest import seed_files; assert seed_files(), "no seeds"'

FROM ${BASE_IMAGE}
RUN groupadd --gid 10001 provenance \
 && useradd --uid 10001 --gid provenance --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin provenance \
 && mkdir -p /data/index \
 && chown -R provenance:provenance /data
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PROVENANCE_INDEX_DIR=/data/index \
    PORT=8000
WORKDIR /app
USER provenance
# Created and owned by the user above, so a fresh named volume is writable; an empty index is
# seeded when gunicorn starts.
VOLUME ["/data/index"]
EXPOSE 8000
# Slim bases have no curl; a non-2xx answer or none at all makes urlopen raise (unhealthy).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as r; \
        r.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=4)"
# Worker heartbeats in shared memory: a container's /tmp may sit on a slow overlay filesystem.
# The settings are a module of the installed package (service/gunicorn_conf.py).
ENTRYPOINT ["gunicorn", "--config", "python:service.gunicorn_conf", "--worker-tmp-dir", "/dev/shm"]
