// Package peer lets tests that need a real external program (nginx, docker,
// act, OpenClaw) skip on a developer machine without it, and fail in CI,
// where .ci/run installs every peer and sets HOPCHECK_REQUIRE_PEERS=1.
package peer

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether missing peers must fail the tests.
func Required() bool { return os.Getenv("HOPCHECK_REQUIRE_PEERS") == "1" }

// Need returns the path of program, or skips (fails in CI) the test.
func Need(t testing.TB, program, why string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if Required() {
		t.Fatalf("%s is required (%s) but not installed: %v", program, why, err)
	}
	t.Skipf("%s not installed (%s); .ci/run installs it", program, why)
	return ""
}
