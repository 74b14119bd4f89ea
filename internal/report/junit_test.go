package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/internal/finding"
)

func TestJUnitGolden(t *testing.T) {
	goldenCompare(t, "junit", ".xml", JUnit)
}

// xmlNode is a generic XML element for the structural check.
type xmlNode struct {
	name     string
	attrs    map[string]string
	children []*xmlNode
	text     string
	line     int
}

// parseXML parses a document into a tree; any well-formedness error is
// returned.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			line, _ := dec.InputPos()
			n := &xmlNode{name: tk.Name.Local, attrs: map[string]string{}, line: line}
			for _, a := range tk.Attr {
				if _, dup := n.attrs[a.Name.Local]; dup {
					return nil, fmt.Errorf("line %d: duplicate attribute %s", line, a.Name.Local)
				}
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// junitElement describes one element of the JUnit format as GitLab and
// Jenkins read it (modelled on the commonly used JUnit XSD: testsuites >
// testsuite > properties/testcase > failure|error|skipped|system-out).
type junitElement struct {
	attrs    []string // allowed
	required []string
	children []string // allowed child elements
	text     bool     // may hold text
}

var junitGrammar = map[string]junitElement{
	"testsuites": {attrs: []string{"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp"}, children: []string{"testsuite"}},
	"testsuite": {attrs: []string{"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package", "file"},
		required: []string{"name", "tests"}, children: []string{"properties", "testcase", "system-out", "system-err"}},
	"properties": {children: []string{"property"}},
	"property":   {attrs: []string{"name", "value"}, required: []string{"name", "value"}},
	"testcase": {attrs: []string{"name", "classname", "time", "file", "line", "assertions", "status"}, required: []string{"name", "classname"},
		children: []string{"skipped", "error", "failure", "system-out", "system-err"}},
	"failure":    {attrs: []string{"message", "type"}, text: true},
	"error":      {attrs: []string{"message", "type"}, text: true},
	"skipped":    {attrs: []string{"message"}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

var (
	junitInt  = regexp.MustCompile(`^[0-9]+$`)
	junitTime = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// validateJUnit checks a JUnit document against junitGrammar plus the
// rules a schema cannot express: counts match the testcases, at most one
// outcome per testcase, numbers are numbers. Hand-written because no XSD
// validator is available to Go without cgo (libxml2) and none is
// installed here; the grammar is the structural content of an XSD.
func validateJUnit(data []byte) error {
	root, err := parseXML(data)
	if err != nil {
		return fmt.Errorf("not well-formed: %w", err)
	}
	if root.name != "testsuites" {
		return fmt.Errorf("root element is %s, want testsuites", root.name)
	}
	var errs []error
	var walk func(n *xmlNode)
	walk = func(n *xmlNode) {
		g, ok := junitGrammar[n.name]
		if !ok {
			errs = append(errs, fmt.Errorf("line %d: unknown element %s", n.line, n.name))
			return
		}
		for a := range n.attrs {
			if !contains(g.attrs, a) {
				errs = append(errs, fmt.Errorf("line %d: %s has unknown attribute %s", n.line, n.name, a))
			}
		}
		for _, a := range g.required {
			if _, ok := n.attrs[a]; !ok {
				errs = append(errs, fmt.Errorf("line %d: %s lacks attribute %s", n.line, n.name, a))
			}
		}
		for _, a := range []string{"tests", "failures", "errors", "skipped", "disabled", "line"} {
			if v, ok := n.attrs[a]; ok && !junitInt.MatchString(v) {
				errs = append(errs, fmt.Errorf("line %d: %s=%q is not a count", n.line, a, v))
			}
		}
		if v, ok := n.attrs["time"]; ok && !junitTime.MatchString(v) {
			errs = append(errs, fmt.Errorf("line %d: time=%q is not a number of seconds", n.line, v))
		}
		if !g.text && strings.TrimSpace(n.text) != "" {
			errs = append(errs, fmt.Errorf("line %d: %s holds text", n.line, n.name))
		}
		outcomes := 0
		for _, c := range n.children {
			if !contains(g.children, c.name) {
				errs = append(errs, fmt.Errorf("line %d: %s inside %s", c.line, c.name, n.name))
			}
			if c.name == "failure" || c.name == "error" || c.name == "skipped" {
				outcomes++
			}
			walk(c)
		}
		if outcomes > 1 {
			errs = append(errs, fmt.Errorf("line %d: testcase with %d outcomes", n.line, outcomes))
		}
	}
	walk(root)
	// Counts.
	count := func(n *xmlNode) (tests, failures, errs_, skipped int) {
		for _, tc := range n.children {
			if tc.name != "testcase" {
				continue
			}
			tests++
			for _, c := range tc.children {
				switch c.name {
				case "failure":
					failures++
				case "error":
					errs_++
				case "skipped":
					skipped++
				}
			}
		}
		return
	}
	check := func(n *xmlNode, want [4]int) {
		for i, a := range []string{"tests", "failures", "errors", "skipped"} {
			if v, ok := n.attrs[a]; ok {
				if got, _ := strconv.Atoi(v); got != want[i] {
					errs = append(errs, fmt.Errorf("line %d: %s %s=%s, counted %d", n.line, n.name, a, v, want[i]))
				}
			}
		}
	}
	var total [4]int
	for _, s := range root.children {
		t, f, e, sk := count(s)
		check(s, [4]int{t, f, e, sk})
		total[0], total[1], total[2], total[3] = total[0]+t, total[1]+f, total[2]+e, total[3]+sk
	}
	check(root, total)
	return errors.Join(errs...)
}

func TestJUnitGoldenFilesValidate(t *testing.T) {
	for _, path := range goldenFiles(t, "junit-*.xml") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateJUnit(data); err != nil {
			t.Errorf("%s:\n%v", path, err)
		}
	}
}

// TestJUnitValidatorRejects proves the structural check can fail.
func TestJUnitValidatorRejects(t *testing.T) {
	const ok = `<testsuites tests="1" failures="1" errors="0" skipped="0" time="0.1"><testsuite name="s" tests="1" failures="1" errors="0" skipped="0" time="0.1"><testcase name="c" classname="k" time="0.1"><failure message="m" type="x">t</failure></testcase></testsuite></testsuites>`
	if err := validateJUnit([]byte(ok)); err != nil {
		t.Fatalf("valid document rejected: %v", err)
	}
	for name, doc := range map[string]string{
		"not well-formed":  `<testsuites><testsuite name="s" tests="0">`,
		"wrong root":       `<testsuite name="s" tests="0"/>`,
		"unknown element":  strings.Replace(ok, "<failure", "<fail", 1),
		"missing name":     strings.Replace(ok, `testcase name="c"`, "testcase", 1),
		"count mismatch":   strings.Replace(ok, `<testsuite name="s" tests="1" failures="1"`, `<testsuite name="s" tests="2" failures="1"`, 1),
		"two outcomes":     strings.Replace(ok, "</failure>", "</failure><skipped/>", 1),
		"bad time":         strings.Replace(ok, `time="0.1"><testcase`, `time="1s"><testcase`, 1),
		"unknown attr":     strings.Replace(ok, `classname="k"`, `classname="k" colour="red"`, 1),
		"text in testcase": strings.Replace(ok, `<failure`, `stray<failure`, 1),
	} {
		if err := validateJUnit([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

type jTestcase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Time      string `xml:"time,attr"`
	File      string `xml:"file,attr"`
	Line      int    `xml:"line,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
	} `xml:"error"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

type jSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []jTestcase `xml:"testcase"`
	} `xml:"testsuite"`
}

func junitOf(t *testing.T, r *finding.Report) jSuites {
	t.Helper()
	var b bytes.Buffer
	if err := JUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	if err := validateJUnit(b.Bytes()); err != nil {
		t.Fatalf("invalid JUnit: %v\n%s", err, b.String())
	}
	var s jSuites
	if err := xml.Unmarshal(b.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func testcase(t *testing.T, s jSuites, suite, name string) jTestcase {
	t.Helper()
	for _, su := range s.Suites {
		if su.Name != suite {
			continue
		}
		for _, c := range su.Cases {
			if c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no testcase %q in suite %q", name, suite)
	return jTestcase{}
}

func TestJUnitMapping(t *testing.T) {
	s := junitOf(t, failReport())
	if len(s.Suites) != 2 || s.Tests != 6 || s.Failures != 1 || s.Errors != 0 || s.Skipped != 0 {
		t.Fatalf("suites %+v", s)
	}
	link := testcase(t, s, "review-bot", "litellm → openrouter")
	if link.Failure == nil || link.Failure.Type != "header-missing" || link.Classname != "hopcheck.review-bot" ||
		!strings.Contains(link.Failure.Message, "No auth credentials found") || link.Time != "0.111" {
		t.Errorf("failed link: %+v", link)
	}
	if !strings.Contains(link.Failure.Text, "litellm/config.yaml:6:17: error:") || !strings.Contains(link.Failure.Text, "fix: Set OPENROUTER_API_KEY") {
		t.Errorf("failure text should list the finding at its position with its fix:\n%s", link.Failure.Text)
	}
	hop := testcase(t, s, "review-bot", "hop litellm")
	if hop.Failure != nil || hop.Error != nil || hop.Skipped != nil || hop.Time != "0.013" || hop.File != ".github/hopcheck.yml" || hop.Line != 6 {
		t.Errorf("passing hop: %+v", hop)
	}
	var props []string
	for _, p := range s.Suites[0].Properties {
		props = append(props, p.Name+"="+p.Value)
	}
	if got := strings.Join(props, ","); got != "model=anthropic/claude-sonnet-4.5,status=fail,cause=header-missing,failing_link=litellm → openrouter" {
		t.Errorf("properties %s", got)
	}

	d := junitOf(t, discoveredReport())
	unknown := testcase(t, d, "claude-sonnet", "litellm → openrouter")
	if unknown.Error == nil || unknown.Failure != nil || unknown.Error.Type != "unknown" {
		t.Errorf("an indeterminate check must be an <error>: %+v", unknown)
	}
	if h := testcase(t, d, "claude-sonnet", "hop openrouter"); h.Error == nil || h.Time != "2.381" {
		t.Errorf("indeterminate hop: %+v", h)
	}
	if sk := testcase(t, d, "gpt-4o-mini", "ci → litellm"); sk.Skipped == nil || !strings.Contains(sk.Skipped.Message, "secrets-unavailable") {
		t.Errorf("skipped link: %+v", sk)
	}
	sec := testcase(t, d, "hopcheck", "secret-in-config deploy/config.yaml:24:16")
	if sec.Failure == nil || sec.Failure.Type != "secret-in-config" || sec.File != "deploy/config.yaml" || sec.Line != 24 {
		t.Errorf("run-level error: %+v", sec)
	}
	po := testcase(t, d, "hopcheck", "proxy-open deploy/config.yaml:1:1")
	if po.Failure != nil || !strings.Contains(po.SystemOut, "warning:") {
		t.Errorf("run-level warning passes with the text in system-out: %+v", po)
	}
	for _, su := range d.Suites {
		for _, c := range su.Cases {
			if strings.Contains(c.Name, "ok ") {
				t.Errorf("info finding became a testcase: %+v", c)
			}
		}
	}
}

func TestJUnitHostileIsInert(t *testing.T) {
	var b bytes.Buffer
	if err := JUnit(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\x00", "\x07", "\u202e", "\n::", "##["} {
		if strings.Contains(out, bad) {
			t.Errorf("JUnit output contains %q", bad)
		}
	}
	if err := validateJUnit(b.Bytes()); err != nil {
		t.Error(err)
	}
}

func TestJUnitErrors(t *testing.T) {
	if err := JUnit(io.Discard, nil); err == nil {
		t.Error("nil report: no error")
	}
	if err := JUnit(failWriter{}, passReport()); err == nil {
		t.Error("write error not returned")
	}
}
