# One image for web, worker and beat; the command picks the role (see deployment/).
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=callao.settings

RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext \
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

RUN useradd --system --uid 10001 --home /app callao && mkdir -p /app/var/media \
    && chown -R callao /app/var
USER callao

EXPOSE 8000
CMD ["granian", "--interface", "wsgi", "callao.wsgi:application", "--host", "0.0.0.0", \
     "--port", "8000", "--workers", "2", "--blocking-threads", "2", "--access-log", \
     "--respawn-failed-workers"]
