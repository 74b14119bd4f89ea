package discover

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
	"github.com/hopcheck/hopcheck/internal/report"
)

// PrintChains writes the derived chains and, for every value a chain uses,
// where it came from (file:line:col, an environment variable or a
// default), for `hopcheck check --print-chains`. Values that came from
// outside hopcheck pass through report.Inert; credentials never appear
// (keys are shown as the variable holding them or as a fingerprint).
//
//	chain claude-sonnet-4.5: ci → litellm → openrouter
//	  model               claude-sonnet-4.5              deploy/litellm.yaml:3:17
//	  litellm.url         http://127.0.0.1:4000          default (LITELLM_BASE_URL and OPENAI_BASE_URL unset)
//	  openrouter.key_env  OPENROUTER_API_KEY             deploy/litellm.yaml:6:16
func PrintChains(w io.Writer, r *Result) error {
	if r == nil || r.Config == nil {
		return errors.New("discover: nothing to print")
	}
	var b strings.Builder
	if len(r.Files) > 0 {
		fmt.Fprintf(&b, "read: %s\n", report.Inert(strings.Join(r.Files, ", ")))
	}
	if len(r.Config.Chains) == 0 {
		b.WriteString("no chains derived\n")
		// Say why: the warnings and errors about the files read.
		for _, f := range r.Findings {
			if f.Chain == "" && f.Severity.Rank() >= finding.SevWarning.Rank() {
				where := chain.Pos{File: f.File, Line: f.Line, Col: f.Col}
				fmt.Fprintf(&b, "  %s %s: %s\n", f.Severity, report.Inert(where.String()), report.Inert(f.Message))
			}
		}
	}
	for _, c := range r.Config.Chains {
		path := []string{chain.CIHop}
		for _, h := range c.Hops {
			path = append(path, h.Name)
		}
		fmt.Fprintf(&b, "\nchain %s: %s\n", report.Inert(c.Name), report.Inert(strings.Join(path, " → ")))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		row := func(what, value, where string) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", report.Inert(what), report.Inert(value), report.Inert(where))
		}
		if s, ok := r.lookup(c.Name, "", "model"); ok {
			row("model", s.Value, s.Where())
		} else if c.Model != "" {
			row("model", c.Model, c.ModelPos.String())
		}
		if s, ok := r.lookup(c.Name, "", "canary"); ok {
			row("canary", s.Value, s.Where())
		} else if c.Canary != "" {
			row("canary", c.Canary, "")
		}
		for _, h := range c.Hops {
			for _, what := range []string{"config", "type", "url", "key_env", "api_version", "aws_secret_access_key", "aws_session_token"} {
				if s, ok := r.lookup(c.Name, h.Name, what); ok {
					row(h.Name+"."+what, s.Value, s.Where())
					continue
				}
				// Values from hopcheck.yml itself carry their own positions.
				switch what {
				case "type":
					row(h.Name+".type", string(h.Type), h.TypePos.String())
				case "url":
					row(h.Name+".url", h.URL, h.URLPos.String())
				case "key_env":
					if h.KeyEnv != "" {
						row(h.Name+".key_env", h.KeyEnv, h.KeyEnvPos.String())
					}
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("discover: write chains: %w", err)
	}
	return nil
}

// lookup returns the source of one value of a chain.
func (r *Result) lookup(chainName, hop, what string) (Source, bool) {
	for _, s := range r.Sources {
		if s.Chain == chainName && s.Hop == hop && s.What == what {
			return s, true
		}
	}
	return Source{}, false
}
