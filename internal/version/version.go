// Package version holds hopcheck's release version: `hopcheck version`
// prints it, the JSON report and the probe's User-Agent carry it, and
// action.yml's image (docker://ghcr.io/hopcheck/hopcheck:<Version>) and the
// README name the same version; e2e/action checks that they agree.
//
// A release commit changes this line, action.yml and the README together
// (go run ./internal/version/setversion vX.Y.Z; .github/workflows/release.yml
// does it for a tag). Builds may stamp another value with
// -ldflags "-X github.com/hopcheck/hopcheck/internal/version.Version=…"
// (the Dockerfile's VERSION build argument, the tests' "e2e").
package version

// Version is the version of this source tree. It stays a plain string
// variable initialised to a constant so that -ldflags -X can replace it.
var Version = "v1.0.0"
