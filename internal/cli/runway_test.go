package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/trust"
)

// runwayClock is 18:00 UTC on Wednesday 12 March 2025: 0.75 days into the
// UTC day, 2.75 into the week, 11.75 into the month.
var runwayClock = time.Date(2025, 3, 12, 18, 0, 0, 0, time.UTC)

// runwayWorkspace starts a simulated OpenRouter whose key has 9 of its 50
// USD left and spends 2 a day in every usage window (a runway of 4.5 days
// at runwayClock), and writes a hopcheck.yml for it into a new workspace.
func runwayWorkspace(t *testing.T) (dir string, vars map[string]string) {
	t.Helper()
	key := sim.FakeOpenRouterKey("cli-runway")
	limit := 50.0
	or := sim.NewOpenRouter(key)
	or.Keys[key] = sim.Account{Limit: &limit, Usage: 41, UsageDaily: 1.5, UsageWeekly: 5.5, UsageMonthly: 23.5}
	srv, err := sim.Listen("127.0.0.1", or)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dir = t.TempDir()
	yml := `version: 1
chains:
  - name: nightly
    model: openai/gpt-4o-mini
    canary: auth-only
    hops:
      - name: openrouter
        type: openrouter
        url: ` + srv.URL + `/api/v1
        key_env: OPENROUTER_API_KEY
`
	if err := os.WriteFile(filepath.Join(dir, "hopcheck.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, map[string]string{"OPENROUTER_API_KEY": key, trust.AllowEnv: sim.LoopbackNet}
}

// runAt runs Main with the runway clock.
func runAt(dir string, vars map[string]string, args ...string) result {
	var out, errb bytes.Buffer
	env := Env{LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Stdout: &out, Stderr: &errb, Dir: dir, Now: func() time.Time { return runwayClock }}
	code := Main(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

// stepOutputs parses GITHUB_OUTPUT as the runner does (name=value lines and
// name<<DELIM blocks).
func stepOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[name] = strings.Join(val, "\n")
		} else if name, v, ok := strings.Cut(lines[i], "="); ok {
			out[name] = v
		}
	}
	return out
}

// In action mode the runway reaches the runway-days output, a warning
// annotation, the step summary and the JSON report; credits-warn-days
// moves or turns off the warning, never the number.
func TestActionRunwayOutputs(t *testing.T) {
	for _, tc := range []struct {
		name, warnDays, failOn string
		warn                   bool
		code                   int
	}{
		{"default threshold", "", "", true, ExitOK},
		{"warning fails with fail-on warning", "", "warning", true, ExitFailed},
		{"lower threshold", "3", "warning", false, ExitOK},
		{"warning off", "0", "warning", false, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, vars := runwayWorkspace(t)
			outFile, sumFile := filepath.Join(dir, "output"), filepath.Join(dir, "summary.md")
			for _, f := range []string{outFile, sumFile} {
				if err := os.WriteFile(f, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			vars["GITHUB_ACTIONS"], vars["GITHUB_WORKSPACE"] = "true", dir
			vars["GITHUB_OUTPUT"], vars["GITHUB_STEP_SUMMARY"] = outFile, sumFile
			vars["GITHUB_EVENT_NAME"], vars["GITHUB_REPOSITORY"] = "schedule", "acme/bot"
			vars["INPUT_CONFIG"], vars["INPUT_COMMENT"] = "hopcheck.yml", "false"
			if tc.warnDays != "" {
				vars["INPUT_CREDITS-WARN-DAYS"] = tc.warnDays
			}
			if tc.failOn != "" {
				vars["INPUT_FAIL-ON"] = tc.failOn
			}
			r := runAt(dir, vars)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:%s\nstderr:%s", r.code, tc.code, r.stdout, r.stderr)
			}
			out := stepOutputs(t, outFile)
			if out["runway-days"] != "4.5" {
				t.Errorf("runway-days = %q, want 4.5; outputs %v", out["runway-days"], out)
			}
			annotated := strings.Contains(r.stdout, "title=hopcheck%3A ci → openrouter%3A credits-low::The key in OPENROUTER_API_KEY")
			if annotated != tc.warn {
				t.Errorf("credits-low annotation %v, want %v:\n%s", annotated, tc.warn, r.stdout)
			}
			sum, err := os.ReadFile(sumFile)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(sum), "9.00 USD of 50.00 USD left; spending 2.00 USD/day") || !strings.Contains(string(sum), "runway 4.5 days") {
				t.Errorf("summary lacks the credits:\n%s", sum)
			}
			b, err := os.ReadFile(filepath.Join(dir, ReportFile))
			if err != nil {
				t.Fatal(err)
			}
			var rep finding.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			c := rep.Chains[0].Hops[0].Credits
			if c == nil || c.RunwayDays == nil || *c.RunwayDays != 4.5 || *c.RatePerDay != 2 || c.Window != finding.WindowDaily || *c.Remaining != 9 {
				t.Errorf("JSON credits %+v", c)
			}
			// Only the mask command may name the key.
			printed := strings.ReplaceAll(r.stdout, "::add-mask::"+vars["OPENROUTER_API_KEY"], "")
			if strings.Contains(printed+string(sum)+string(b), vars["OPENROUTER_API_KEY"][9:30]) {
				t.Error("an output carries the key")
			}
		})
	}
}

func TestCreditsWarnDaysValidation(t *testing.T) {
	dir, vars := runwayWorkspace(t)
	vars["GITHUB_ACTIONS"], vars["GITHUB_WORKSPACE"] = "true", dir
	vars["INPUT_CONFIG"], vars["INPUT_CREDITS-WARN-DAYS"] = "hopcheck.yml", "soon"
	r := runAt(dir, vars)
	if r.code != ExitUsage || !strings.Contains(r.stdout, `input "credits-warn-days" must be a number of days from 0 (no warning) to 3650 (got "soon")`) {
		t.Errorf("bad input: exit %d\n%s", r.code, r.stdout)
	}
	delete(vars, "GITHUB_ACTIONS")
	for _, bad := range []string{"-1", "NaN", "4000"} {
		if r := runAt(dir, vars, "check", "--config", "hopcheck.yml", "--credits-warn-days", bad); r.code != ExitUsage || !strings.Contains(r.stderr, "--credits-warn-days") {
			t.Errorf("--credits-warn-days %s: exit %d %s", bad, r.code, r.stderr)
		}
	}
	// The flag moves the threshold of `check`: 4.5 days warns under 5,
	// not under the default's 7 when set to 4.
	for _, tc := range []struct {
		days string
		warn bool
	}{{"5", true}, {"4", false}, {"0", false}} {
		r := runAt(dir, vars, "check", "--config", "hopcheck.yml", "--format", "json", "--credits-warn-days", tc.days)
		if r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if got := strings.Contains(r.stdout, `"cause": "credits-low"`); got != tc.warn {
			t.Errorf("--credits-warn-days %s: credits-low %v, want %v", tc.days, got, tc.warn)
		}
	}
}
