package geo

import (
	"slices"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Check compares the map with the registry of comuni (their ISTAT codes):
// a comune of the registry with no shape is reported, so that the pages
// can list it beside the map rather than lose it; a shape of no comune of
// the registry (a merge missing from the table, say) is reported too.
// file names the boundaries in the issues.
func (m *Map) Check(file string, registry []string) []catalog.Issue {
	var issues []catalog.Issue
	for _, code := range registry {
		if _, ok := m.Shape(code); !ok {
			issues = append(issues, catalog.Issue{
				Ref:      catalog.Ref{File: file},
				Severity: catalog.Warning,
				Rule:     "geo-missing",
				Value:    code,
				Message: catalog.Text{
					It: "il comune " + code + " dell'elenco dei comuni non ha confini nella mappa: compare nella tabella ma non sulla mappa; aggiornare il file dei confini",
					En: "comune " + code + " of the registry has no boundary on the map: it is in the table but not on the map; update the boundaries file",
				},
			})
		}
	}
	for _, s := range m.Shapes {
		if !slices.Contains(registry, s.Code) {
			issues = append(issues, catalog.Issue{
				Ref:      catalog.Ref{File: file},
				Severity: catalog.Warning,
				Rule:     "geo-unknown",
				Value:    s.Code,
				Message: catalog.Text{
					It: "i confini contengono il comune " + s.Code + " (" + s.Name + "), che non è nell'elenco dei comuni: se è stato unito ad altri, aggiungere la fusione alla tabella delle fusioni",
					En: "the boundaries hold comune " + s.Code + " (" + s.Name + "), which is not in the registry: if it was merged into another, add the merge to the table of merges",
				},
			})
		}
	}
	return issues
}
