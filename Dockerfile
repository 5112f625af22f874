FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 IPBOT_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY eligibility ./eligibility
COPY knowledge ./knowledge
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 ipbot \
    && mkdir -p /data && chown ipbot /data
USER ipbot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
