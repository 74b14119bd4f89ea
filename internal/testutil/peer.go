package testutil

import (
	"os"
	"os/exec"
	"testing"
)

// PeersRequired reports whether a missing peer program must fail the
// tests: .ci/run installs every peer and sets HOPCHECK_REQUIRE_PEERS=1.
func PeersRequired() bool { return os.Getenv("HOPCHECK_REQUIRE_PEERS") == "1" }

// NeedPeer returns the path of program (nginx, docker, act, …), or skips
// the test on a machine without it (fails it when PeersRequired).
func NeedPeer(t testing.TB, program, why string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if PeersRequired() {
		t.Fatalf("%s is required (%s) but not installed: %v", program, why, err)
	}
	t.Skipf("%s not installed (%s); .ci/run installs it", program, why)
	return ""
}
