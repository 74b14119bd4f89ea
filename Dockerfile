# hopcheck container image. Three stages:
#
#   local    FROM scratch + a binary built on the host at dist/hopcheck
#            (CGO_ENABLED=0). For offline tests, where no registry is
#            reachable: `DOCKER_BUILDKIT=1 docker build --target local .`
#            BuildKit skips the stages a target does not need; the classic
#            builder stops at the target, which is why `local` comes first.
#   build    compiles the static binary from source (golang image).
#   release  FROM scratch + the compiled binary; the default (last) stage.
#
# action.yml runs the prebuilt `release` image that
# .github/workflows/release.yml publishes for linux/amd64 and linux/arm64
# (docker://ghcr.io/hopcheck/hopcheck:<version>). A fork whose action.yml
# says `image: Dockerfile` builds `release` from source on every run.
#
# Base images are pinned by digest (the tag only documents it): the digest
# of the golang:1.26.8 image index, all platforms.
#
# The binary embeds its CA roots (golang.org/x/crypto/x509roots/fallback),
# so scratch needs no certificate store. It runs as root (no USER): the
# runner mounts the workspace and file-command files owned by the runner
# user, and writing GITHUB_OUTPUT / the JSON report must succeed.

# `COPY dist/ /` (not dist/hopcheck): dist/ always exists in the repository
# (dist/README.md), so a classic builder that walks every stage on the way
# to `release` does not fail here when no host binary was built.
FROM scratch AS local
COPY dist/ /
ENTRYPOINT ["/hopcheck"]

# A native build: no `--platform=$BUILDPLATFORM`, because the classic
# builder (a runner whose docker has no buildx) leaves BUILDPLATFORM empty
# and rejects the FROM line, and `image: Dockerfile` must build on any
# Linux runner. Multi-arch release builds run this stage under QEMU
# (.github/workflows/release.yml).
FROM golang:1.26.8@sha256:9d2f36f06329b2a141b9db99ffa32765cf695ee57b813ca29e245e8670bcbfff AS build
# VERSION, when set, is stamped into the binary; empty keeps the version of
# the source tree (internal/version). The release workflow passes its tag.
ARG VERSION=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -tags nethttpomithttp2 leaves net/http's bundled HTTP/2 out (0.5 MiB, and
# what keeps the image under 10 MiB): the probes speak HTTP/1.1 anyway, as
# the SDKs whose calls they stand in for do, and the GitHub API answers
# HTTP/1.1 as well.
RUN ldflags="-s -w"; \
    if [ -n "$VERSION" ]; then ldflags="$ldflags -X github.com/hopcheck/hopcheck/internal/version.Version=$VERSION"; fi; \
    CGO_ENABLED=0 go build -trimpath -tags nethttpomithttp2 -ldflags "$ldflags" -o /out/hopcheck ./cmd/hopcheck

FROM scratch AS release
COPY --from=build /out/hopcheck /hopcheck
ENTRYPOINT ["/hopcheck"]
