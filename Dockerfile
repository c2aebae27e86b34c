# depcheck serve: the verification service (see depcheck/commands/serve.py for its settings).
#
#   docker build -t depcheck .
#   docker run -p 8080:8080 -e DEPCHECK_TOKENS=... depcheck
#
# The base image is an exact tag, and every dependency is pinned exactly in pyproject.toml, so
# this file passes `depcheck audit` itself. It installs depcheck from this checkout: the
# dependencies come from the index pip is configured with at build time (PIP_INDEX_URL).
FROM python:3.12.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY depcheck ./depcheck
RUN pip install --no-compile /src \
    && rm -rf /src \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin depcheck \
    && mkdir -p /var/cache/depcheck \
    && chown depcheck /var/cache/depcheck

USER depcheck
WORKDIR /tmp
ENV DEPCHECK_HOST=0.0.0.0 \
    DEPCHECK_PORT=8080 \
    DEPCHECK_CACHE_DIR=/var/cache/depcheck \
    DEPCHECK_JSON_LOGS=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
# docker stop sends SIGTERM: the service finishes the requests in flight, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["depcheck", "serve"]
