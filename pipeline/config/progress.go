package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// checkProgress checks what a dataset says about project progress and
// national files: the row filter of its source and its state mapping.
func checkProgress(d *doc) []error {
	var errs []error
	ds := &d.dataset
	for _, k := range sortedKeys(ds.Source.Filter) {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, d.errorf("source.filter",
				"in «source.filter» ogni voce nomina una colonna (intestazione o campo): togliere la voce senza nome",
				"under \"source.filter\" each entry names a column (header or field): remove the entry with no name"))
		}
	}
	var states []string
	for _, s := range catalog.ProjectStates() {
		states = append(states, string(s))
	}
	for _, k := range sortedKeys(ds.States) {
		v := ds.States[k]
		if strings.TrimSpace(k) == "" {
			errs = append(errs, d.errorf("states",
				"in «states» ogni voce è un codice della fonte: togliere la voce senza codice",
				"under \"states\" each entry is a code of the source: remove the entry with no code"))
			continue
		}
		if !slices.Contains(states, string(v)) {
			errs = append(errs, d.errorf("states."+k,
				fmt.Sprintf("stato «%s» per il codice «%s» non previsto: usare uno tra %s", v, k, strings.Join(states, ", ")),
				fmt.Sprintf("state %q for the code %q is not allowed: use one of %s", v, k, strings.Join(states, ", "))))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
