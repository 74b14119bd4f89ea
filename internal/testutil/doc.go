// Package testutil holds the helpers hopcheck's tests share, each written
// once: the runner's readers of what a step writes (GITHUB_OUTPUT,
// workflow commands on stdout), a fake GitHub REST API, loopback
// listeners that misbehave below HTTP, free ports, the allow list that
// lets tests send keys to loopback, and the switch for tests that need a
// real peer program (nginx, Docker, act, OpenClaw).
//
// It is imported by tests only. Subpackage surfaces runs hopcheck in every
// output mode (it needs the cli package, which this package must not
// import so that the cli's own tests can use it).
package testutil
