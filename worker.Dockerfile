# The Celery workers' image: the web image's code plus CPU-only TensorFlow, torch and
# transformers (requirements-ml.txt). No static files or Node assets: workers serve no pages.
# Build from the repository root: docker build -f worker.Dockerfile -t callao-worker .
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=callao.settings \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    CELERY_METRICS_PORT=9808 \
    HOME=/tmp

RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-ml.txt ./
COPY forecasting/pyproject.toml forecasting/README.md forecasting/
COPY forecasting/src forecasting/src
# torch first, from PyTorch's CPU-only index: the PyPI wheel for Linux pulls several GB of
# CUDA libraries. requirements-ml.txt pins the same version, which is then already satisfied.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r requirements-ml.txt

COPY . .
RUN DEBUG=true SECRET_KEY=build-only python manage.py compilemessages --ignore forecasting

RUN groupadd --system --gid 10001 callao \
    && useradd --system --uid 10001 --gid 10001 --home /app callao \
    && mkdir -p /app/var/media && chown -R callao:callao /app/var
USER 10001:10001

EXPOSE 9808
# The worker's metrics port answers while its main process lives (callao/metrics.py).
HEALTHCHECK --interval=60s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:9808/metrics', timeout=4)"]
ENTRYPOINT ["/app/deployment/docker/entrypoint.sh"]
CMD ["celery", "-A", "callao", "worker", "-Q", "default,imports,ml", "--concurrency", "2", \
     "--loglevel", "INFO"]
