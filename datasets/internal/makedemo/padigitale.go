package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// padFile is the PA digitale 2026 list of funded applications for measure
// 1.4.5 (Piattaforma Notifiche Digitali), in ../shared.
const padFile = "data/padigitale2026/candidature_finanziate_145.csv"

// writePADigitale copies the header and the rows of the Province of Como
// (cod_provincia 013, the 7th column) byte for byte, in file order. The
// file is unquoted: no field holds a comma, which the check below makes
// sure of.
func writePADigitale(shared, out string) error {
	data, err := os.ReadFile(filepath.Join(shared, padFile))
	if err != nil {
		return err
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	var b bytes.Buffer
	b.Write(lines[0])
	n := 0
	for _, l := range lines[1:] {
		f := bytes.Split(bytes.TrimRight(l, "\r\n"), []byte(","))
		if len(f) != 20 {
			if len(bytes.TrimSpace(l)) > 0 && bytes.Contains(l, []byte(",013,")) {
				return fmt.Errorf("%s: a Como row with %d fields", padFile, len(f))
			}
			continue
		}
		if string(f[6]) == "013" {
			b.Write(l)
			n++
		}
	}
	if n != 121 {
		return fmt.Errorf("%s: %d rows of Como, want 121", padFile, n)
	}
	return os.WriteFile(filepath.Join(out, "padigitale-145-como.csv"), b.Bytes(), 0o644)
}
