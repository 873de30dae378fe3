// Package l190book fills the clerks' workbook of L. 190 contracts for
// tests: the template the portal hands out, with the rows a clerk would
// type, so that tests read what a clerk really sends.
package l190book

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/ingest/l190"
)

// Fill writes rows into the template's sheets (by name: "lotti",
// "partecipanti"), from row 2, and returns the workbook.
func Fill(tb testing.TB, sheets map[string][][]any) []byte {
	tb.Helper()
	tpl, err := l190.Template()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	for sheet, rows := range sheets {
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &r); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
