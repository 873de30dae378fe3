package pipeline

import (
	"bytes"
	"context"
	"errors"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/ingest"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	l190check "github.com/provincia-como/opendata/pipeline/validate/l190"
)

// looksXML tells ANAC's XML (or a web page, which the XML reader refuses
// with its own message) from the clerks' workbook or CSV: after a byte
// order mark and white space, XML starts with "<". An empty file goes to
// the XML reader, whose message names the L. 190 file expected.
func looksXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) == 0 || data[0] == '<'
}

// judgeL190Sheet reads the clerks' workbook of lotti and bidders (or a CSV
// of lotti) into the tables the XML gives, and judges them the same way:
// ANAC's rules and the anomaly checks, the published lotti table and its
// related tables. A workbook has no publisher's metadata: the checks of
// the metadata are left out, and the ANAC files take it from the portal.
func judgeL190Sheet(ctx context.Context, info *catalog.Schema, name string, data []byte) ([]catalog.Issue, *catalog.Table, error) {
	tabs, issues, err := l190read.ReadWorkbook(ctx, name, data, ingest.Limits{MaxBytes: l190Limits.MaxBytes})
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			return nil, nil, err
		}
		return []catalog.Issue{{Ref: ie.Ref, Severity: catalog.Error, Rule: "unreadable", Message: ie.Message}}, nil, nil
	}
	if catalog.Blocking(issues) {
		// A missing sheet or column, a bidder without its lotto: the
		// checks would only repeat them.
		return issues, nil, nil
	}
	issues = append(issues, l190check.Check(ctx, l190check.Options{}, l190check.Set{
		Lotti: tabs.Lotti, Partecipanti: tabs.Partecipanti, Aggiudicatari: tabs.Aggiudicatari,
	})...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	t := lottiTable(tabs, info)
	t.Related = relatedTables(tabs)
	return issues, t, nil
}
