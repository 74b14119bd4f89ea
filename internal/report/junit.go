package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// JUnit writes the report as JUnit XML, the test-report format GitLab
// (artifacts:reports:junit), Jenkins (junit step) and most CI systems
// display. The mapping:
//
//   - one <testsuite> per chain, named after the chain; its <properties>
//     carry the model, status, cause and failing link;
//   - one <testcase> per hop (name "hop <name>") and per link (name
//     "<from> → <to>"), classname "hopcheck.<chain>", time in seconds
//     from the timings (a hop's total; for a link, the longest request of
//     the findings on it; 0 when nothing was timed), file and line where
//     the hop is defined;
//   - a failed check is a <failure message="…" type="<cause>">, its text
//     listing every finding about that hop or link;
//   - an indeterminate check (status unknown, or cause unknown: an answer
//     no signature matched) is an <error>: hopcheck could not decide, which
//     is not the same as a proven failure;
//   - a check that was not run or could not be verified (status skipped,
//     neutral or unverified, e.g. no secrets on a fork pull request) is
//     <skipped/>;
//   - a passing check, or one with only warnings, has no child element;
//     warnings and notices are in <system-out>;
//   - findings that belong to no chain (config files, discovery) form a
//     last suite named "hopcheck": an error is a failed testcase, a warning
//     or notice a passing one with the text in <system-out>; info findings
//     are left out.
//
// All text passes through Inert first (see sanitize), so no control
// character reaches the XML; encoding/xml escapes the rest.
func JUnit(w io.Writer, r *finding.Report) error {
	if r == nil {
		return errNilReport
	}
	s := sanitize(r)
	root := junitSuites{Name: "hopcheck", Time: seconds(s.DurationMS)}
	for i := range s.Chains {
		root.add(chainSuite(&s.Chains[i]))
	}
	if rs, ok := runSuite(s.Findings); ok {
		root.add(rs)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("report: encode junit: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(final(buf.Bytes(), r.Scrubber)); err != nil {
		return fmt.Errorf("report: write junit: %w", err)
	}
	return nil
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

func (s *junitSuites) add(t junitSuite) {
	s.Tests += t.Tests
	s.Failures += t.Failures
	s.Errors += t.Errors
	s.Skipped += t.Skipped
	s.Suites = append(s.Suites, t)
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Properties *junitProps     `xml:"properties,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	File      string       `xml:"file,attr,omitempty"`
	Line      int          `xml:"line,attr,omitempty"`
	Failure   *junitResult `xml:"failure,omitempty"`
	Error     *junitResult `xml:"error,omitempty"`
	Skipped   *junitSkip   `xml:"skipped,omitempty"`
	SystemOut string       `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkip struct {
	Message string `xml:"message,attr,omitempty"`
}

// add appends tc to the suite and counts it.
func (s *junitSuite) add(tc junitTestcase, ms float64) {
	tc.Time = seconds(ms)
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
}

func chainSuite(c *finding.ChainResult) junitSuite {
	s := junitSuite{Name: c.Name, File: c.File}
	props := []junitProp{{"model", c.Model}, {"status", string(c.Status)}, {"cause", string(c.Cause)}}
	if c.FailingLink != nil {
		props = append(props, junitProp{"failing_link", c.FailingLink.String()})
	}
	s.Properties = &junitProps{Props: props}
	class := "hopcheck." + c.Name
	var total float64
	for _, h := range c.Hops {
		var related []finding.Finding
		for _, f := range c.Findings {
			if f.Hop == h.Name {
				related = append(related, f)
			}
		}
		tc := verdict(junitTestcase{Name: "hop " + h.Name, Classname: class, File: h.File, Line: h.Line},
			h.Status, h.Cause, related, "hop "+h.Name)
		ms := 0.0
		if h.Timings != nil && h.Timings.Total != nil {
			ms = *h.Timings.Total
		}
		total += ms
		s.add(tc, ms)
	}
	for _, l := range c.Links {
		link := chain.Link{From: l.From, To: l.To}
		var related []finding.Finding
		ms := 0.0
		for _, f := range c.Findings {
			if f.Link != nil && *f.Link == link {
				related = append(related, f)
				if f.Timings != nil && f.Timings.Total != nil && *f.Timings.Total > ms {
					ms = *f.Timings.Total
				}
			}
		}
		tc := junitTestcase{Name: link.String(), Classname: class}
		if i := indexHop(c.Hops, l.To); i >= 0 {
			tc.File, tc.Line = c.Hops[i].File, c.Hops[i].Line
		}
		total += ms
		s.add(verdict(tc, l.Status, l.Cause, related, "link "+link.String()), ms)
	}
	s.Time = seconds(total)
	return s
}

func indexHop(hs []finding.HopResult, name string) int {
	for i, h := range hs {
		if h.Name == name {
			return i
		}
	}
	return -1
}

// verdict sets the outcome element of tc from a status and cause, with
// the related findings as its text.
func verdict(tc junitTestcase, st finding.Status, cause finding.Cause, related []finding.Finding, what string) junitTestcase {
	text := findingsText(related)
	switch {
	case st == finding.Indeterminate || (st == finding.Fail && cause == finding.Unknown):
		tc.Error = &junitResult{Message: headline(related, cause, what+" could not be decided"), Type: string(cause), Text: text}
	case st == finding.Fail:
		tc.Failure = &junitResult{Message: headline(related, cause, what+" failed"), Type: string(cause), Text: text}
	case st == finding.Skipped || st == finding.Neutral || st == finding.Unverified:
		msg := "not checked"
		if cause != "" && cause != finding.OK {
			msg += " (" + string(cause) + ")"
		}
		tc.Skipped = &junitSkip{Message: msg}
		tc.SystemOut = text
	default:
		tc.SystemOut = text
	}
	return tc
}

// headline is the failure message: the message of the worst related
// finding, or the cause's meaning.
func headline(fs []finding.Finding, cause finding.Cause, fallback string) string {
	best := -1
	for i, f := range fs {
		if best < 0 || f.Root || f.Severity.Rank() > fs[best].Severity.Rank() && !fs[best].Root {
			best = i
		}
	}
	if best >= 0 && fs[best].Message != "" {
		return fs[best].Message
	}
	if info, ok := finding.Explain(cause); ok {
		return fallback + ": " + info.Meaning
	}
	return fallback
}

// findingsText renders findings one per line, compiler style, with the
// fix on the next line.
func findingsText(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		if f.File != "" {
			b.WriteString(chain.Pos{File: f.File, Line: f.Line, Col: f.Col}.String())
			b.WriteString(": ")
		}
		fmt.Fprintf(&b, "%s: %s [%s]", f.Severity, f.Message, f.Cause)
		if f.Link != nil {
			fmt.Fprintf(&b, " (link %s)", f.Link)
		}
		b.WriteByte('\n')
		if f.Fix != "" {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix)
		}
	}
	return b.String()
}

// runSuite holds the findings that belong to no chain.
func runSuite(fs []finding.Finding) (junitSuite, bool) {
	s := junitSuite{Name: "hopcheck"}
	for _, f := range fs {
		if f.Severity.Rank() < finding.SevNotice.Rank() {
			continue
		}
		name := string(f.Cause)
		if f.File != "" {
			name += " " + chain.Pos{File: f.File, Line: f.Line, Col: f.Col}.String()
		}
		tc := junitTestcase{Name: name, Classname: "hopcheck.run", File: f.File, Line: f.Line}
		text := findingsText([]finding.Finding{f})
		switch {
		case f.Cause == finding.SecretsUnavailable:
			tc.Skipped = &junitSkip{Message: f.Message}
		case f.Severity == finding.SevError && f.Cause == finding.Unknown:
			tc.Error = &junitResult{Message: f.Message, Type: string(f.Cause), Text: text}
		case f.Severity == finding.SevError:
			tc.Failure = &junitResult{Message: f.Message, Type: string(f.Cause), Text: text}
		default:
			tc.SystemOut = text
		}
		s.add(tc, 0)
	}
	s.Time = seconds(0)
	return s, len(s.Cases) > 0
}

// seconds formats milliseconds as JUnit seconds with millisecond
// precision.
func seconds(ms float64) string {
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatFloat(round3(ms)/1000, 'f', 3, 64)
}
