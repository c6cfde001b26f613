# AetherFlow API and worker image. One image, two commands: `aetherflow api` (the default) and
# `aetherflow worker`. Checked by tests/deploy/test_container_files.py.
#
# Stage 1 builds a virtualenv holding exactly the locked runtime dependencies (hash-checked),
# then installs the project from /app as an editable install: db/migrate.py finds migrations/
# beside the db package, so the source tree stays where it was installed.
# Stage 2 copies the virtualenv and the source, nothing else, and runs as an unprivileged user.

FROM python:3.11-slim AS build

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
RUN pip install --no-deps -e .


FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production

RUN useradd --system --user-group --uid 10001 --no-create-home --shell /usr/sbin/nologin aetherflow
WORKDIR /app
# Owned by root and read-only for the service user: the process writes only to stdout.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

USER 10001:10001
EXPOSE 8000
CMD ["aetherflow", "api"]
