package action

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/ghaction"
	"github.com/hopcheck/hopcheck/internal/sim"
)

// fakeGitHubToken stands in for ${{ github.token }} (the default of the
// github-token input); it must be masked and never printed either.
const fakeGitHubToken = "ghs_e2eFakeInstallationToken0123456789AB"

// configPath is where the tests put the configuration in the workspace,
// passed as the config input.
const configPath = "ci/hopcheck.yml"

// containerRun describes one step run of the action.
type containerRun struct {
	config    []byte            // written to <workspace>/ci/hopcheck.yml
	vars      map[string]string // the job's env (the hops' key_env); "" = an unavailable secret
	eventName string            // GITHUB_EVENT_NAME
	event     string            // fixture under testdata/
	with      map[string]string // the step's `with:`
	apiURL    string            // GITHUB_API_URL (always loopback)
}

// containerResult is what the runner would see.
type containerResult struct {
	code      int
	stdout    string
	stderr    string
	outputs   map[string]string
	outputRaw string
	summary   string
	workspace string
	cmds      []command
}

// runContainer runs the image the way actions/runner's
// ContainerActionHandler does: `docker run --rm --workdir
// /github/workspace` with the workspace, the file-command directory, the
// workflow directory (event.json) and HOME mounted at their /github/…
// paths, GITHUB_* and INPUT_* in the environment, and the job's env. The
// runner puts no --network flag on a job without services; the tests add
// --network host so the container reaches the simulator on 127.0.0.1.
func runContainer(t *testing.T, img string, r containerRun) containerResult {
	t.Helper()
	root := t.TempDir()
	ws := filepath.Join(root, "workspace")
	fc := filepath.Join(root, "_runner_file_commands")
	wf := filepath.Join(root, "_github_workflow")
	home := filepath.Join(root, "_github_home")
	for _, d := range []string{ws, fc, wf, home, filepath.Join(ws, filepath.Dir(configPath))} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(ws, configPath), r.config, 0o644); err != nil {
		t.Fatal(err)
	}
	event, err := os.ReadFile(filepath.Join("testdata", r.event))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wf, "event.json"), event, 0o644); err != nil {
		t.Fatal(err)
	}
	// The runner names the file-command files per step.
	const outName, sumName = "set_output_0d1e2f", "step_summary_0d1e2f"
	for _, f := range []string{outName, sumName} {
		if err := os.WriteFile(filepath.Join(fc, f), nil, 0o666); err != nil {
			t.Fatal(err)
		}
	}

	meta := readActionMeta(t, filepath.Join(repoRoot(t), "action.yml"))
	if _, ok := r.with["allow-hosts"]; !ok {
		// The simulated providers listen on loopback (the container runs
		// on the host network): the step allows them, as a workflow allows
		// a self-hosted gateway.
		r.with = maps.Clone(r.with)
		r.with["allow-hosts"] = sim.LoopbackNet
	}
	inputs := inputEnv(t, meta, r.with, map[string]string{"${{ github.token }}": fakeGitHubToken})

	env := map[string]string{
		"GITHUB_ACTIONS":          "true",
		"CI":                      "true",
		"HOME":                    "/github/home",
		"GITHUB_WORKSPACE":        "/github/workspace",
		"GITHUB_EVENT_PATH":       "/github/workflow/event.json",
		"GITHUB_OUTPUT":           "/github/file_commands/" + outName,
		"GITHUB_STEP_SUMMARY":     "/github/file_commands/" + sumName,
		"GITHUB_EVENT_NAME":       r.eventName,
		"GITHUB_REPOSITORY":       "acme/review-bot",
		"GITHUB_REPOSITORY_OWNER": "acme",
		"GITHUB_SHA":              "9f3c2a1b7d4e5f60718293a4b5c6d7e8f9012345",
		"GITHUB_REF":              "refs/heads/main",
		"GITHUB_RUN_ID":           "1234567890",
		"GITHUB_RUN_ATTEMPT":      "1",
		"GITHUB_JOB":              "preflight",
		"GITHUB_ACTION":           "__self",
		"GITHUB_SERVER_URL":       "https://github.com",
		"GITHUB_API_URL":          r.apiURL,
		"RUNNER_OS":               "Linux",
		"RUNNER_TEMP":             "/home/runner/work/_temp",
	}
	for k, v := range inputs {
		env[k] = v
	}
	for k, v := range r.vars {
		env[k] = v
	}

	args := []string{"run", "--rm", "--network", "host", "--workdir", "/github/workspace",
		"-v", ws + ":/github/workspace",
		"-v", fc + ":/github/file_commands",
		"-v", wf + ":/github/workflow",
		"-v", home + ":/github/home",
	}
	if os.Getuid() != 0 {
		// The runner runs the container as root; off CI, run as the
		// invoking user so t.TempDir can remove what the step wrote.
		args = append(args, "--user", strconv.Itoa(os.Getuid())+":"+strconv.Itoa(os.Getgid()))
	}
	// `-e NAME` without a value: docker copies the value from its own
	// environment, so no value (no key) is on the command line.
	cmdEnv := os.Environ()
	for _, k := range sortedKeys(env) {
		args = append(args, "-e", k)
		cmdEnv = append(cmdEnv, k+"="+env[k])
	}
	args = append(args, img)

	ctx := t.Context()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = cmdEnv
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("docker run did not finish within 90s\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	code, ok := exitCode(werr)
	if !ok {
		t.Fatalf("docker run: %v\n%s", werr, stderr.String())
	}
	if code == 125 || code == 126 || code == 127 {
		t.Fatalf("docker could not run the image (exit %d): %s", code, stderr.String())
	}
	t.Logf("docker run: exit %d in %s", code, time.Since(start).Round(time.Millisecond))

	outRaw, err := os.ReadFile(filepath.Join(fc, outName))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(fc, sumName))
	if err != nil {
		t.Fatal(err)
	}
	res := containerResult{code: code, stdout: stdout.String(), stderr: stderr.String(),
		outputRaw: string(outRaw), summary: string(sum), workspace: ws}
	res.outputs = parseOutputs(t, res.outputRaw)
	res.cmds = parseCommands(res.stdout)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s\nGITHUB_OUTPUT:\n%s\nsummary:\n%s", res.stdout, res.stderr, res.outputRaw, res.summary)
		}
	})
	return res
}

func startScenario(t *testing.T, name string) *sim.Env {
	t.Helper()
	env, err := sim.Start(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	return env
}

func secretValues(vars map[string]string) []string {
	out := []string{fakeGitHubToken}
	for _, v := range vars {
		out = append(out, v)
	}
	return out
}

// leakTexts gathers every output surface of a run for the leak check.
func leakTexts(t *testing.T, res containerResult, api *fakeGitHub) map[string]string {
	t.Helper()
	texts := map[string]string{
		"stdout":        res.stdout,
		"stderr":        res.stderr,
		"GITHUB_OUTPUT": res.outputRaw,
		"step summary":  res.summary,
	}
	if b, err := os.ReadFile(filepath.Join(res.workspace, "hopcheck-report.json")); err == nil {
		texts["JSON report"] = string(b)
	}
	if api != nil {
		for i, c := range api.Calls() {
			texts["GitHub API request "+strconv.Itoa(i)+" "+c.Method+" "+c.Path] = string(c.Body)
		}
	}
	return texts
}

func assertOutputs(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for _, k := range []string{ghaction.OutputStatus, ghaction.OutputFailingHop, ghaction.OutputFailingLink, ghaction.OutputCause, ghaction.OutputReportPath} {
		if _, ok := got[k]; !ok {
			t.Errorf("output %s was not set", k)
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("output %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestContainerImage checks the image itself (the Dockerfile's `local`
// stage, or the image HOPCHECK_E2E_IMAGE names): ≤ 10 MiB, entrypoint
// /hopcheck, and the binary inside reports the expected version.
func TestContainerImage(t *testing.T) {
	img := image(t)
	out, err := run(t, 30*time.Second, "", nil, "docker", "image", "inspect", "--format", "{{.Size}} {{json .Config.Entrypoint}}", img)
	if err != nil {
		t.Fatalf("docker image inspect: %v\n%s", err, out)
	}
	size, ep, _ := strings.Cut(strings.TrimSpace(out), " ")
	n := mustAtoi(t, size)
	t.Logf("image %s: %d bytes (%.2f MiB)", img, n, float64(n)/(1<<20))
	if n > maxImageBytes {
		t.Errorf("image is %d bytes, over the budget of %d (10 MiB)", n, maxImageBytes)
	}
	if ep != `["/hopcheck"]` {
		t.Errorf("entrypoint = %s, want [\"/hopcheck\"]", ep)
	}
	ver, err := run(t, 30*time.Second, "", nil, "docker", "run", "--rm", img, "version")
	if want := "hopcheck " + wantImageVersion(); err != nil || strings.TrimSpace(ver) != want {
		t.Errorf("docker run IMAGE version = %q, %v; want %q", strings.TrimSpace(ver), err, want)
	}
}

// TestContainerPushFailingChain: a push run against a chain whose proxy
// lost its upstream key. The step fails (exit 1), one ::error annotation
// sits on the failing hop's line in the configuration and names the link
// and the cause, the outputs, summary and JSON report are right, and no
// key appears anywhere.
func TestContainerPushFailingChain(t *testing.T) {
	img := image(t)
	sc := startScenario(t, sim.ScenarioProxyLostUpstreamKey)
	api := newFakeGitHub(t, false)
	res := runContainer(t, img, containerRun{config: sc.Config, vars: sc.Vars, eventName: "push", event: "event_push.json",
		with: map[string]string{"config": configPath, "fail-on": "error"}, apiURL: api.URL})

	if res.code != 1 {
		t.Errorf("exit code = %d, want 1 (a failing chain)", res.code)
	}
	// Masks come before anything else.
	if len(res.cmds) == 0 || res.cmds[0].Name != "add-mask" || !strings.HasPrefix(strings.TrimSpace(res.stdout), "::add-mask::") {
		t.Errorf("the first line of stdout is not ::add-mask::")
	}
	masked := map[string]bool{}
	for _, c := range commandsNamed(res.cmds, "add-mask") {
		masked[c.Message] = true
	}
	for k, v := range sc.Vars {
		if !masked[v] {
			t.Errorf("the value of %s was not masked", k)
		}
	}
	if !masked[fakeGitHubToken] {
		t.Errorf("the github-token input was not masked")
	}

	line, col := hopLine(t, sc.Config, "openrouter")
	errs := commandsNamed(res.cmds, "error")
	if len(errs) != 1 {
		t.Fatalf("got %d ::error annotations, want 1 (one per failing link)", len(errs))
	}
	e := errs[0]
	wantRaw := "::error col=" + strconv.Itoa(col) + ",file=" + configPath + ",line=" + strconv.Itoa(line) +
		",title=hopcheck%3A litellm → openrouter%3A header-missing::"
	if !strings.HasPrefix(e.Raw, wantRaw) {
		t.Errorf("annotation:\n  %s\nwant prefix:\n  %s", e.Raw, wantRaw)
	}
	if e.Props["file"] != configPath || e.Props["line"] != strconv.Itoa(line) {
		t.Errorf("annotation at %s:%s, want %s:%d (the openrouter hop)", e.Props["file"], e.Props["line"], configPath, line)
	}
	if e.Props["title"] != "hopcheck: litellm → openrouter: header-missing" {
		t.Errorf("annotation title = %q", e.Props["title"])
	}
	if !strings.Contains(e.Message, "Fix: ") || !strings.Contains(e.Message, "OPENROUTER_API_KEY") {
		t.Errorf("annotation message has no fix naming the variable: %q", e.Message)
	}

	assertOutputs(t, res.outputs, map[string]string{
		"status": "fail", "failing-hop": "openrouter", "failing-link": "litellm → openrouter",
		"cause": "header-missing", "report-path": "hopcheck-report.json",
	})

	for _, want := range []string{
		"| Hop | Link | Verdict | Cause | DNS (ms) | Connect (ms) | TLS (ms) | TTFB (ms) |",
		"| litellm | ci → litellm |",
		"| openrouter | litellm → openrouter |",
		"header-missing",
		"### Credentials used",
		"OPENROUTER\\_API\\_KEY",
	} {
		if !strings.Contains(res.summary, want) {
			t.Errorf("step summary lacks %q", want)
		}
	}
	// The summary lists fingerprints of the keys used.
	for k, v := range sc.Vars {
		if fp := v[:5]; !strings.Contains(res.summary, fp) {
			t.Errorf("step summary has no fingerprint for %s", k)
		}
	}

	b, err := os.ReadFile(filepath.Join(res.workspace, "hopcheck-report.json"))
	if err != nil {
		t.Fatalf("JSON report not in the workspace: %v", err)
	}
	var rep struct {
		Status string `json:"status"`
		Chains []struct {
			Name        string `json:"name"`
			Status      string `json:"status"`
			Cause       string `json:"cause"`
			FailingLink *struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"failing_link"`
		} `json:"chains"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if rep.Status != "fail" || len(rep.Chains) != 1 || rep.Chains[0].Cause != "header-missing" {
		t.Errorf("JSON report: status %q, chains %+v", rep.Status, rep.Chains)
	}
	if sc.OpenRouter == nil || len(sc.OpenRouter.Requests()) == 0 {
		t.Errorf("the simulated OpenRouter received no request: the container did not reach the simulator")
	}
	if calls := api.Calls(); len(calls) != 0 {
		t.Errorf("a push run called the GitHub API: %+v", calls)
	}
	assertNoLeak(t, secretValues(sc.Vars), leakTexts(t, res, api))
}

// TestContainerPushHealthy: the same chain with every key in place passes.
func TestContainerPushHealthy(t *testing.T) {
	img := image(t)
	sc := startScenario(t, sim.ScenarioHealthy)
	api := newFakeGitHub(t, false)
	res := runContainer(t, img, containerRun{config: sc.Config, vars: sc.Vars, eventName: "push", event: "event_push.json",
		with: map[string]string{"config": configPath}, apiURL: api.URL})
	if res.code != 0 {
		t.Errorf("exit code = %d, want 0", res.code)
	}
	assertOutputs(t, res.outputs, map[string]string{"status": "pass", "failing-hop": "", "failing-link": "", "cause": "ok"})
	if n := len(commandsNamed(res.cmds, "error")) + len(commandsNamed(res.cmds, "warning")); n != 0 {
		t.Errorf("a healthy chain produced %d error/warning annotations", n)
	}
	if !strings.Contains(res.summary, "| openrouter | litellm → openrouter | ✅ pass |") {
		t.Errorf("summary lacks the passing openrouter row")
	}
	assertNoLeak(t, secretValues(sc.Vars), leakTexts(t, res, api))
}

// TestContainerPullRequestComment: a same-repository PR posts the sticky
// comment through the GitHub API (a loopback fake): the list and create
// calls on the PR from the payload, the hidden marker and the table in
// the body, the token as bearer, and no key in the payload.
func TestContainerPullRequestComment(t *testing.T) {
	img := image(t)
	sc := startScenario(t, sim.ScenarioProxyLostUpstreamKey)
	api := newFakeGitHub(t, false)
	res := runContainer(t, img, containerRun{config: sc.Config, vars: sc.Vars, eventName: "pull_request",
		event: "event_pull_request.json", with: map[string]string{"config": configPath}, apiURL: api.URL})
	if res.code != 1 {
		t.Errorf("exit code = %d, want 1", res.code)
	}
	var posted *apiCall
	calls := api.Calls()
	for i, c := range calls {
		if c.Auth != "Bearer "+fakeGitHubToken {
			t.Errorf("%s %s: Authorization is not the github-token input", c.Method, c.Path)
		}
		if c.Method == "POST" {
			posted = &calls[i]
		}
	}
	if posted == nil {
		t.Fatalf("no comment was created; API calls: %+v", calls)
	}
	if posted.Path != "/api/v3/repos/acme/review-bot/issues/42/comments" {
		t.Errorf("comment created at %s, want /api/v3/repos/acme/review-bot/issues/42/comments", posted.Path)
	}
	var body struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal(posted.Body, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body.Body, ghaction.StickyMarker) || !strings.Contains(body.Body, "| openrouter | litellm → openrouter |") {
		t.Errorf("comment body lacks the marker or the table:\n%s", body.Body)
	}
	assertNoLeak(t, secretValues(sc.Vars), leakTexts(t, res, api))
}

// forkRun runs a fork PR: the payload's head repository differs from the
// base, the job's secrets are empty, and the token is read-only (the fake
// API answers 403).
func forkRun(t *testing.T, with map[string]string) (containerResult, *fakeGitHub, *sim.Env) {
	t.Helper()
	img := image(t)
	sc := startScenario(t, sim.ScenarioHealthy)
	empty := map[string]string{}
	for k := range sc.Vars {
		empty[k] = ""
	}
	api := newFakeGitHub(t, true)
	w := map[string]string{"config": configPath}
	for k, v := range with {
		w[k] = v
	}
	res := runContainer(t, img, containerRun{config: sc.Config, vars: empty, eventName: "pull_request",
		event: "event_pull_request_fork.json", with: w, apiURL: api.URL})
	return res, api, sc
}

// TestContainerForkPRNeutral: no secrets on a fork PR is neutral (exit 0)
// with cause secrets-unavailable and notices explaining why and which
// permission the comment needs; nothing fails the step.
func TestContainerForkPRNeutral(t *testing.T) {
	res, api, sc := forkRun(t, nil)
	if res.code != 0 {
		t.Errorf("exit code = %d, want 0 (fork-behavior neutral)", res.code)
	}
	assertOutputs(t, res.outputs, map[string]string{"status": "neutral", "cause": "secrets-unavailable", "failing-link": ""})
	if n := len(commandsNamed(res.cmds, "error")); n != 0 {
		t.Errorf("a fork PR without secrets produced %d ::error annotations", n)
	}
	notices := commandsNamed(res.cmds, "notice")
	var why, perm bool
	for _, n := range notices {
		text := n.Props["title"] + " " + n.Message
		if strings.Contains(text, "fork") || strings.Contains(text, "secret") {
			why = true
		}
		if strings.Contains(text, "pull-requests: write") {
			perm = true
		}
	}
	if !why {
		t.Errorf("no ::notice explains that a fork PR gets no secrets; notices: %+v", notices)
	}
	if !perm {
		t.Errorf("no ::notice names the permission the PR comment needs after the 403; notices: %+v", notices)
	}
	if len(api.Calls()) == 0 {
		t.Errorf("the comment was not attempted (want one 403 from the read-only token)")
	}
	assertNoLeak(t, secretValues(sc.Vars), leakTexts(t, res, api))
}

// TestContainerForkPRFail: the same run with fork-behavior: fail exits 1,
// and the status output says so (the exit code and the status never
// disagree), with the reason as the cause.
func TestContainerForkPRFail(t *testing.T) {
	res, _, _ := forkRun(t, map[string]string{"fork-behavior": "fail"})
	if res.code != 1 {
		t.Errorf("exit code = %d, want 1 (fork-behavior fail)", res.code)
	}
	assertOutputs(t, res.outputs, map[string]string{"status": "fail", "cause": "secrets-unavailable"})
}

// TestContainerConfigSyntaxError: a YAML syntax error is a usage error
// (exit 2) annotated at the offending line and column.
func TestContainerConfigSyntaxError(t *testing.T) {
	img := image(t)
	sc := startScenario(t, sim.ScenarioHealthy)
	lines := strings.Split(string(sc.Config), "\n")
	bad := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "type: litellm" {
			lines[i] = l + ": oops" // "mapping value is not allowed in this context"
			bad = i + 1
			break
		}
	}
	if bad < 0 {
		t.Fatalf("no `type: litellm` line in the scenario config:\n%s", sc.Config)
	}
	cfg := []byte(strings.Join(lines, "\n"))
	res := runContainer(t, img, containerRun{config: cfg, vars: sc.Vars, eventName: "push", event: "event_push.json",
		with: map[string]string{"config": configPath}, apiURL: newFakeGitHub(t, false).URL})
	if res.code != 2 {
		t.Errorf("exit code = %d, want 2 (configuration error)", res.code)
	}
	errs := commandsNamed(res.cmds, "error")
	if len(errs) == 0 {
		t.Fatalf("no ::error annotation for the syntax error")
	}
	e := errs[0]
	if e.Props["file"] != configPath || e.Props["line"] != strconv.Itoa(bad) {
		t.Errorf("annotation at %s:%s, want %s:%d\n%s", e.Props["file"], e.Props["line"], configPath, bad, e.Raw)
	}
	if !strings.Contains(e.Props["title"], "config-invalid") {
		t.Errorf("annotation title = %q, want it to name config-invalid", e.Props["title"])
	}
	if res.outputs["status"] != "fail" || res.outputs["cause"] != "config-invalid" {
		t.Errorf("outputs status=%q cause=%q, want fail / config-invalid", res.outputs["status"], res.outputs["cause"])
	}
}
