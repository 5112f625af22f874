FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 IPBOT_DATA_DIR=/data \
    IPBOT_SHUTDOWN_BUDGET_S=8
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
# Shutdown: on SIGTERM the bot stops taking updates, lets those in flight finish within
# IPBOT_SHUTDOWN_BUDGET_S (8 s) and leaves the rest unconfirmed, so Telegram delivers them again
# to the next process: nothing is lost even if the drain is cut short. Give the container a stop
# grace above the budget (about 2 s more for closing connections), e.g.
#   docker run --stop-timeout 12 ...     compose: stop_grace_period: 12s
#   Kubernetes: terminationGracePeriodSeconds: 12
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
