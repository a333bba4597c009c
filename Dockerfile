# The portal's image: gunicorn with deploy/gunicorn.conf.py on port 8000, as a non-root user.
# The same image runs the worker and the scheduler (compose.yaml); migrations run as a one-off:
#   docker compose run --rm migrate
# BASE_IMAGE: where Docker Hub is out of reach, a Debian-built stand-in (deploy/docker-base.sh):
#   docker build --network host --build-arg BASE_IMAGE=invest-portal-base:bookworm -t invest-portal .
# The portal runs in a virtualenv (/opt/venv), so the official image (python in /usr/local) and
# Debian's python3 (in /usr/bin, whose pip refuses to install system-wide) are used the same way.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

# PATH spelled out: an imported base (docker-base.sh) has none for $PATH to extend.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8 \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# pg_dump/pg_restore for `flask backup` and `restore` (bookworm's client is 15: use a PostgreSQL 15
# server, or install the client of the server's version); tzdata for the centre's time zone.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client tzdata \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN python3 -m venv /opt/venv \
    && pip install -r requirements.txt -c constraints.txt

COPY . .
RUN pybabel compile -d translations \
    && mkdir -p /app/instance /data/uploads /backups \
    && chown -R portal:portal /app/instance /data/uploads /backups

ENV PORTAL_INSTANCE_PATH=/app/instance \
    UPLOAD_DIR=/data/uploads \
    GUNICORN_BIND=0.0.0.0:8000 \
    FLASK_APP=app

USER portal
EXPOSE 8000
VOLUME ["/data/uploads"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"]
