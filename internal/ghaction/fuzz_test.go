package ghaction

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// commandLine is the only shape a stdout line may have: one of hopcheck's
// own annotation commands, with properties and message escaped.
var commandLine = regexp.MustCompile(`^::(error|warning|notice)( [a-zA-Z]+=[^:,\r\n]*(,[a-zA-Z]+=[^:,\r\n]*)*)?::[^\r\n]*$`)

// FuzzAnnotations feeds arbitrary provider text (message, hop names, file)
// through the annotation path and checks that every stdout line is one of
// hopcheck's own commands: provider text can never start a workflow command,
// add a mask, stop command processing or forge a property.
func FuzzAnnotations(f *testing.F) {
	for _, s := range []string{
		"::error::pwned", "a\r\n::add-mask::x", "::stop-commands::tok", "##[group]x", "%0A::error::x",
		"\x1b[31mred\x1b[0m", "title,line=99:x", "<img src=x onerror=alert(1)>", "@admin ```", "\u202e\u0000",
	} {
		f.Add(s, "litellm", "hopcheck.yml")
	}
	f.Fuzz(func(t *testing.T, text, hop, file string) {
		l := chain.Link{From: "ci", To: hop}
		rep := &finding.Report{Schema: finding.SchemaID, Status: finding.Fail, Chains: []finding.ChainResult{{
			Name: "c", Status: finding.Fail, Cause: finding.HeaderMissing, FailingLink: &l, FailingHop: hop,
			Findings: []finding.Finding{{Check: "live", Hop: hop, Link: &l, Cause: finding.HeaderMissing,
				Severity: finding.SevError, Message: text, Fix: text, File: file, Line: 3, Col: 1, Root: true}},
		}}}
		var out bytes.Buffer
		p := &Publisher{Stdout: &out, Getenv: func(string) string { return "" }}
		if err := p.Publish(context.Background(), PublishInput{Report: rep, Inputs: Inputs{FailOn: "error"}}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if line == "" {
				continue
			}
			if !commandLine.MatchString(line) {
				t.Fatalf("stdout line is not a well-formed hopcheck command: %q", line)
			}
			// The runner only reads a command at the start of a line, and
			// the regexp above pins that to hopcheck's own; the message
			// after the property block is data, whatever it says. "##["
			// (the legacy syntax) is neutralised anywhere.
			if strings.Contains(line, "##[") {
				t.Fatalf("provider text survived as ##[ in %q", line)
			}
		}
	})
}
