# syntax=docker/dockerfile:1
# Boxoffice production image: the seat map built with Node, served with the Django app by gunicorn.
#   docker build -t boxoffice .        (docker compose builds it for you: see docs/operations.md)

# --- 1. the seat map (Vite + React) -------------------------------------------------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# --- 2. the app ---------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    FRONTEND_DIST=/app/frontend/dist

RUN groupadd --system --gid 10001 boxoffice \
 && useradd --system --uid 10001 --gid boxoffice --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin boxoffice

WORKDIR /app/backend
# Runtime requirements only (not requirements-dev.txt); a layer of its own so code changes reuse it.
COPY backend/requirements.txt ./requirements.txt
RUN pip install -r requirements.txt

COPY backend/ ./
COPY --from=frontend /src/frontend/dist /app/frontend/dist
COPY deploy/entrypoint.sh deploy/healthcheck.py /app/deploy/

# collectstatic only imports settings: these throwaway values are never used to serve anything
# (no database is contacted, and the key signs nothing). The real ones come from the environment.
RUN SECRET_KEY=build-time-only-not-a-secret \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    python manage.py collectstatic --noinput -v 0 \
 && python -m compileall -q /app/backend \
 && chmod 0755 /app/deploy/entrypoint.sh

USER 10001:10001
EXPOSE 8000
# GET /api/health/ answers 200 only when PostgreSQL answers; see deploy/healthcheck.py.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
# The entrypoint runs `manage.py migrate` first when RUN_MIGRATIONS=1 (only the compose `app` service).
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
# HOST/PORT/WEB_CONCURRENCY/WEB_THREADS are read by the conf; /dev/shm keeps worker heartbeats off disk.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "--worker-tmp-dir", "/dev/shm", "config.wsgi"]
