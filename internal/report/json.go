package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hopcheck/hopcheck/internal/finding"
)

// JSON writes the machine report: the finding.Report in its documented,
// stable form (docs/report-schema.json, schema id finding.SchemaID),
// indented by two spaces, fields in struct order, one trailing newline.
//
// Lists are never null ("chains", and per chain "hops", "links",
// "findings" are [] when empty); "failing_link" is null when the chain
// has no failing link. Free text is passed through Inert, so the output is
// safe to print in a CI log (no escape sequence, no workflow command).
// Timings are rounded to microseconds; phases not reached are absent.
func JSON(w io.Writer, r *finding.Report) error {
	if r == nil {
		return errNilReport
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sanitize(r)); err != nil {
		return fmt.Errorf("report: encode json: %w", err)
	}
	if _, err := w.Write(final(buf.Bytes(), r.Scrubber)); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}
