# hopcheck container image. Three stages; the last one, `release`, is the
# default, so `runs.image: Dockerfile` in action.yml and a plain
# `docker build .` compile from source.
#
#   local    FROM scratch + a binary built on the host at dist/hopcheck
#            (CGO_ENABLED=0). For offline tests, where no registry is
#            reachable: `DOCKER_BUILDKIT=1 docker build --target local .`
#            BuildKit skips the stages a target does not need; the classic
#            builder stops at the target, which is why `local` comes first.
#   build    compiles the static binary from source (golang image).
#   release  FROM scratch + the compiled binary. Published multi-arch
#            (linux/amd64, linux/arm64) to ghcr.io by
#            .github/workflows/release.yml.
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
FROM golang:1.26 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/hopcheck/hopcheck/internal/cli.Version=${VERSION}" \
      -o /out/hopcheck ./cmd/hopcheck

FROM scratch AS release
COPY --from=build /out/hopcheck /hopcheck
ENTRYPOINT ["/hopcheck"]
