package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/text/width"

	"github.com/hopcheck/hopcheck/internal/chain"
	"github.com/hopcheck/hopcheck/internal/finding"
)

// Options tune the text report.
type Options struct {
	// Color adds ANSI colours. Decide it with ColorEnabled.
	Color bool
	// Verbose also lists info findings and each finding's evidence
	// (request, HTTP status, failing phase, body excerpt).
	Verbose bool
}

// ColorEnabled reports whether the text report written to f should be
// coloured: only when f is a terminal, NO_COLOR is unset or empty
// (https://no-color.org) and TERM is not "dumb". getenv is normally
// os.Getenv; nil means os.Getenv.
//
// The terminal test is f's mode having os.ModeCharDevice. golang.org/x/term
// (an ioctl) would be exact but is not a dependency of this module, and
// adding one for a single bit is not worth it: the only character devices a
// report is written to besides terminals are /dev/null and its like, where
// colour is harmless because nobody reads it. Pipes and regular files — the
// CI log, --output files — are never character devices.
func ColorEnabled(f *os.File, getenv func(string) string) bool {
	if f == nil {
		return false
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}

// SGR parameters used by the text report.
const (
	sgrBold    = "1"
	sgrDim     = "2"
	sgrRed     = "31"
	sgrGreen   = "32"
	sgrYellow  = "33"
	sgrMagenta = "35"
	sgrCyan    = "36"
	sgrBoldRed = "1;31"
)

func statusColor(s finding.Status) string {
	switch s {
	case finding.Pass:
		return sgrGreen
	case finding.Fail:
		return sgrBoldRed
	case finding.Warn, finding.Unverified:
		return sgrYellow
	case finding.Neutral:
		return sgrCyan
	case finding.Indeterminate:
		return sgrMagenta
	}
	return sgrDim
}

func severityColor(s finding.Severity) string {
	switch s {
	case finding.SevError:
		return sgrBoldRed
	case finding.SevWarning:
		return sgrYellow
	case finding.SevNotice:
		return sgrCyan
	}
	return sgrDim
}

// statusWord is the upper-case verdict used in headers and the overall line.
func statusWord(s finding.Status) string {
	if s == "" {
		return "UNKNOWN"
	}
	return strings.ToUpper(string(s))
}

// textWriter accumulates the report; colours are applied only when on.
type textWriter struct {
	buf   bytes.Buffer
	color bool
}

func (t *textWriter) paint(code, s string) string {
	if !t.color || code == "" || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *textWriter) line(parts ...string) {
	for _, p := range parts {
		t.buf.WriteString(p)
	}
	t.buf.WriteByte('\n')
}

// Text writes the human report: per chain a verdict line, a table of hops
// (HOP, LINK, VERDICT, CAUSE and the timing phases in ms), a line per hop
// whose key check reported credit (what is left, the rate, the runway) and the failing
// and warning findings (and notices) in compiler style with one fix sentence each; then
// the overall verdict and the fingerprints of the credentials used. All
// text is passed through Inert. The report is written with one Write call.
func Text(w io.Writer, r *finding.Report, o Options) error {
	if r == nil {
		return errNilReport
	}
	s := sanitize(r)
	t := &textWriter{color: o.Color}

	if fs := selectFindings(s.Findings, o.Verbose); len(fs) > 0 {
		t.line(t.paint(sgrBold, "run:"))
		for _, f := range fs {
			t.finding(f, findingPos(f, nil, s.Config), o.Verbose)
		}
		t.line()
	}
	for i := range s.Chains {
		c := &s.Chains[i]
		t.chain(c, s.Config, o.Verbose)
		t.line()
	}
	t.summary(s)

	_, err := w.Write(final(t.buf.Bytes(), r.Scrubber))
	if err != nil {
		return fmt.Errorf("report: write text: %w", err)
	}
	return nil
}

func (t *textWriter) chain(c *finding.ChainResult, config string, verbose bool) {
	head := "chain " + c.Name
	if c.Model != "" {
		head += " (model " + c.Model + ")"
	}
	head += ": " + t.paint(statusColor(c.Status), statusWord(c.Status))
	where := ""
	switch {
	case c.FailingLink != nil:
		where = c.FailingLink.String()
	case c.FailingHop != "":
		where = "hop " + c.FailingHop
	}
	cause := ""
	if c.Cause != "" && c.Cause != finding.OK {
		cause = string(c.Cause)
	}
	switch {
	case where != "" && cause != "":
		head += " — " + where + ": " + cause
	case where != "":
		head += " — " + where
	case cause != "":
		head += " — " + cause
	}
	t.line(head)

	if len(c.Hops) > 0 {
		rows := [][]cell{{
			plain("HOP"), plain("LINK"), plain("VERDICT"), plain("CAUSE"),
			rplain("DNS"), rplain("CONNECT"), rplain("TLS"), rplain("TTFB"), rplain("TOTAL"),
		}}
		for i, h := range c.Hops {
			rows = append(rows, hopRow(c, i, h))
		}
		t.table(rows)
	}
	for _, h := range c.Hops {
		if h.Credits != nil {
			t.line("  ", t.paint(sgrBold, h.Name+" credits:"), " ", h.Credits.Summary())
		}
	}

	for _, f := range selectFindings(c.Findings, verbose) {
		t.finding(f, findingPos(f, c, config), verbose)
	}
}

// hopRow builds the table row of hop i. The LINK cell shows the link into
// the hop, with the link's own verdict when it differs from the hop's (the
// seed failure: the provider is fine alone, the link into it is not).
func hopRow(c *finding.ChainResult, i int, h finding.HopResult) []cell {
	from := chain.CIHop
	if i > 0 {
		from = c.Hops[i-1].Name
	}
	lc := cell{segs: []seg{{text: chain.Link{From: from, To: h.Name}.String()}}}
	for _, l := range c.Links {
		if l.To != h.Name {
			continue
		}
		lc.segs[0].text = chain.Link{From: l.From, To: l.To}.String()
		diffCause := l.Cause != "" && l.Cause != finding.OK && l.Cause != h.Cause
		if l.Status != h.Status || diffCause {
			note := string(l.Status)
			if diffCause {
				note += ": " + string(l.Cause)
			}
			lc.segs = append(lc.segs, seg{text: " ("}, seg{text: note, color: statusColor(l.Status)}, seg{text: ")"})
		}
		break
	}
	var tm finding.Timings
	if h.Timings != nil {
		tm = *h.Timings
	}
	cause := string(h.Cause)
	if cause == "" {
		cause = "-"
	}
	return []cell{
		plain(h.Name),
		lc,
		{segs: []seg{{text: string(h.Status), color: statusColor(h.Status)}}},
		plain(cause),
		ms(tm.DNS), ms(tm.Connect), ms(tm.TLS), ms(tm.TTFB), ms(tm.Total),
	}
}

func ms(v *float64) cell {
	if v == nil {
		return rplain("-")
	}
	return rplain(fmt.Sprintf("%.1f", *v))
}

// seg is a run of cell text with an optional colour.
type seg struct{ text, color string }

// cell is one table cell; right aligns it to the right.
type cell struct {
	segs  []seg
	right bool
}

func plain(s string) cell  { return cell{segs: []seg{{text: s}}} }
func rplain(s string) cell { return cell{segs: []seg{{text: s}}, right: true} }

func (c cell) width() int {
	n := 0
	for _, s := range c.segs {
		n += displayWidth(s.text)
	}
	return n
}

// displayWidth counts terminal columns: East Asian wide and fullwidth
// runes take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// table writes rows with columns aligned on visible width, indented by two
// spaces, two spaces between columns, no trailing blanks. text/tabwriter is
// not used because it counts colour escapes as width.
func (t *textWriter) table(rows [][]cell) {
	var widths []int
	for _, row := range rows {
		for j, c := range row {
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			if w := c.width(); w > widths[j] {
				widths[j] = w
			}
		}
	}
	for ri, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		pending := 0 // blanks owed before the next visible text
		for j, c := range row {
			if j > 0 {
				pending += 2
			}
			pad := widths[j] - c.width()
			if c.right {
				pending += pad
			}
			b.WriteString(strings.Repeat(" ", pending))
			pending = 0
			for _, s := range c.segs {
				code := s.color
				if ri == 0 {
					code = sgrBold
				}
				b.WriteString(t.paint(code, s.text))
			}
			if !c.right {
				pending = pad
			}
		}
		t.line(b.String())
	}
}

// selectFindings returns the findings the text report lists: errors,
// warnings and notices (info too when verbose), root causes first,
// otherwise in the order given.
func selectFindings(fs []finding.Finding, verbose bool) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if verbose || f.Severity.Rank() >= finding.SevNotice.Rank() {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Root && !out[j].Root })
	return out
}

// findingPos is where a finding points (finding.Locate), as text;
// "hopcheck" when nothing locates it.
func findingPos(f finding.Finding, c *finding.ChainResult, config string) string {
	if p := finding.Locate(f, c, config); p.File != "" {
		return p.String()
	}
	return "hopcheck"
}

// finding writes `  pos: severity: message [cause]` and `    fix: …`, the
// compiler style of actionlint and go vet.
func (t *textWriter) finding(f finding.Finding, pos string, verbose bool) {
	msg := f.Message
	if msg == "" {
		if info, ok := finding.Explain(f.Cause); ok {
			msg = info.Meaning
		}
	}
	sev := string(f.Severity)
	if sev == "" {
		sev = string(finding.SevInfo)
	}
	line := "  " + t.paint(sgrBold, pos+":") + " " + t.paint(severityColor(f.Severity), sev+":") + " " + msg
	if f.Cause != "" {
		line += " " + t.paint(sgrDim, "["+string(f.Cause)+"]")
	}
	t.line(line)
	fix := f.Fix
	if fix == "" && f.Cause != finding.OK {
		if info, ok := finding.Explain(f.Cause); ok {
			fix = info.Fix
		}
	}
	if fix != "" {
		t.line("    ", t.paint(sgrGreen, "fix:"), " ", fix)
	}
	if verbose && f.Evidence != nil {
		if ev := evidenceText(f.Evidence); ev != "" {
			t.line("    ", t.paint(sgrDim, "evidence:"), " ", ev)
		}
	}
}

// evidenceText renders evidence as `GET url → 401 (phase ttfb): excerpt`.
func evidenceText(e *finding.Evidence) string {
	var parts []string
	if req := strings.TrimSpace(e.Method + " " + e.URL); req != "" {
		parts = append(parts, req)
	}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("→ %d", e.Status))
	}
	if e.Phase != "" {
		parts = append(parts, "(phase "+e.Phase+")")
	}
	if e.Redirect != "" {
		parts = append(parts, "redirect to "+e.Redirect)
	}
	s := strings.Join(parts, " ")
	if e.Excerpt != "" {
		if s != "" {
			s += ": "
		}
		s += e.Excerpt
	}
	return s
}

// summary writes the overall line and the credential fingerprints.
func (t *textWriter) summary(r *finding.Report) {
	counts := map[finding.Status]int{}
	for _, c := range r.Chains {
		counts[c.Status]++
	}
	type kind struct {
		s    finding.Status
		word string
	}
	order := []kind{
		{finding.Fail, "failed"}, {finding.Unverified, "unverified"}, {finding.Warn, "warned"}, {finding.Pass, "passed"},
		{finding.Neutral, "neutral"}, {finding.Skipped, "skipped"}, {finding.Indeterminate, "unknown"},
	}
	var parts []string
	seen := 0
	for _, k := range order {
		n := counts[k.s]
		seen += n
		if n == 0 {
			continue
		}
		p := fmt.Sprintf("%d %s", n, k.word)
		if len(parts) == 0 {
			noun := "chains"
			if n == 1 {
				noun = "chain"
			}
			p = fmt.Sprintf("%d %s %s", n, noun, k.word)
		}
		parts = append(parts, p)
	}
	if other := len(r.Chains) - seen; other > 0 {
		parts = append(parts, fmt.Sprintf("%d other", other))
	}
	detail := "no chains"
	if len(parts) > 0 {
		detail = strings.Join(parts, ", ")
	}
	t.line(t.paint(sgrBold, "hopcheck:"), " ", t.paint(statusColor(r.Status), statusWord(r.Status)),
		fmt.Sprintf(" (%s) in %.0f ms", detail, r.DurationMS))

	if creds := credentialList(r); creds != "" {
		t.line("credentials: ", creds)
	}
}

// credentialList lists each distinct credential once, as
// `ENV fingerprint (hop, hop)`, in first-seen order. Only fingerprints are
// shown; a credential that is not set says so.
func credentialList(r *finding.Report) string {
	type entry struct {
		label string
		hops  []string
	}
	var order []string
	byKey := map[string]*entry{}
	for _, c := range r.Chains {
		for _, h := range c.Hops {
			cr := h.Credential
			if cr == nil {
				continue
			}
			val := cr.Fingerprint
			if !cr.Set || val == "" {
				val = "unset"
			}
			label := strings.TrimSpace(cr.Env + " " + val)
			e, ok := byKey[label]
			if !ok {
				e = &entry{label: label}
				byKey[label] = e
				order = append(order, label)
			}
			if h.Name != "" && !contains(e.hops, h.Name) {
				e.hops = append(e.hops, h.Name)
			}
		}
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		e := byKey[k]
		p := e.label
		if len(e.hops) > 0 {
			p += " (" + strings.Join(e.hops, ", ") + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
