# jxcflow — production image. Point JXCFLOW_DATABASE_URL at PostgreSQL and run
# `jxcflow migrate` once per release (e.g. as an init container) before `serve`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    JXCFLOW_DATABASE_URL=sqlite:////data/jxcflow.db

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY kernel ./kernel
COPY dsl ./dsl
COPY inventory ./inventory
COPY engine ./engine
COPY connectors ./connectors
COPY templates_marketplace ./templates_marketplace
COPY studio ./studio
COPY migrations ./migrations
RUN pip install . \
    && useradd --system --home /app jxcflow \
    && mkdir -p /data && chown jxcflow /data

USER jxcflow
VOLUME ["/data"]
EXPOSE 8000
CMD ["jxcflow", "serve", "--host", "0.0.0.0", "--port", "8000"]
