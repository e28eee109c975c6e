# The web image: Django under granian, without TensorFlow, torch or transformers
# (requirements.txt only). It also runs beat, migrations and backups. The workers' image is
# worker.Dockerfile. Build from the repository root: docker build -t callao-web .
FROM node:20.19.5-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=callao.settings \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    HOME=/tmp

# GDAL for GeoDjango, gettext for the translations, pg_dump/pg_restore (15, as the server) for
# manage.py backup_create / backup_restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
COPY forecasting/pyproject.toml forecasting/README.md forecasting/
COPY forecasting/src forecasting/src
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /assets/node_modules node_modules
# Static files and translations are built into the image; SECRET_KEY here is a build-time dummy.
RUN DEBUG=true SECRET_KEY=build-only python manage.py compilemessages --ignore forecasting \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

RUN groupadd --system --gid 10001 callao \
    && useradd --system --uid 10001 --gid 10001 --home /app callao \
    && mkdir -p /app/var/media /app/var/backups && chown -R callao:callao /app/var
USER 10001:10001

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/livez', timeout=2)"]
ENTRYPOINT ["/app/deployment/docker/entrypoint.sh"]
CMD ["granian", "--interface", "wsgi", "callao.wsgi:application", "--host", "0.0.0.0", \
     "--port", "8000", "--workers", "2", "--blocking-threads", "2", "--access-log", \
     "--respawn-failed-workers"]
