# Upstream in a container: a static Go binary on Debian slim with headless
# Chromium and fonts (Latin, Arabic, Chinese and more) for PDF reports.
#   docker build -t upstream .
#   docker run -p 8080:8080 -v upstream-data:/data upstream
# Configuration comes from UPSTREAM_* variables (see the README); secrets are
# best given as files: -e UPSTREAM_SMTP_PASSWORD_FILE=/run/secrets/smtp.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/upstream-platform/upstream/internal/cli.Version=${VERSION}" \
      -o /out/upstream ./cmd/upstream

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-core fonts-noto-cjk ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --create-home upstream
COPY --from=build /out/upstream /usr/local/bin/upstream
USER upstream
WORKDIR /data
ENV UPSTREAM_DB=sqlite:/data/upstream.db \
    UPSTREAM_ADDR=0.0.0.0:8080 \
    UPSTREAM_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
# /readyz answers when the database is reachable and migrated.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["upstream", "healthcheck"]
ENTRYPOINT ["upstream"]
CMD ["serve"]
