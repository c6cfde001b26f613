# AetherFlow API and worker image. One image, two commands: `aetherflow api` (the default) and
# `aetherflow worker`. How to run it and how to bump the pinned base image: docs/CONTAINERS.md.
# Checked by tests/deploy/test_container_files.py and linted by hadolint
# (tests/deploy/test_dockerfile_lint.py), both part of `make test`.
#
# Stage 1 builds a virtualenv holding exactly the locked runtime dependencies (hash-checked),
# among them the setuptools that builds the project, then installs the project from /app as an
# editable install with that setuptools (no build isolation, so no build step downloads an
# unpinned build backend): db/migrate.py finds migrations/ beside the db package, so the source
# tree stays where it was installed.
# Stage 2 copies the virtualenv and the source, nothing else, and runs as an unprivileged user.
#
# Both stages use the same base image, pinned by the digest of its multi-platform index: a
# rebuild gets the same bytes until someone bumps it (docs/CONTAINERS.md, "Base images").
# The build context is only what is copied below (.dockerignore is an allowlist).

FROM python:3.11-slim@sha256:9534e5a8e315485d4061ed659af0fd78a284c015f9b73661b41d6bab25604534 AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY app ./app
COPY db ./db
COPY jobs ./jobs
COPY schema ./schema
COPY migrations ./migrations
RUN pip install --no-deps --no-build-isolation -e .


FROM python:3.11-slim@sha256:9534e5a8e315485d4061ed659af0fd78a284c015f9b73661b41d6bab25604534

# HOST: in a container the API listens on every interface in both modes (outside one,
# `aetherflow api` binds 127.0.0.1 in development); who can reach it is decided by the port
# the container publishes.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    HOST=0.0.0.0

RUN useradd --system --user-group --uid 10001 --no-create-home --shell /usr/sbin/nologin aetherflow
WORKDIR /app
# Owned by root and read-only for the service user: the process writes only to stdout (and the
# worker to its heartbeat file in /tmp).
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

USER 10001:10001
EXPOSE 8000
# The API's health: GET /serving on this container answers 200 within 3 s (the database answers
# and its schema serves this code). A container running `aetherflow worker` from this image
# must replace it with `python -m jobs.heartbeat`, as docker-compose.yml does.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "app.api.probe"]
CMD ["aetherflow", "api"]
