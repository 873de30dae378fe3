package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"gopkg.in/yaml.v3"
)

// doc is one decoded catalog file with its node tree, kept to find the line
// of any key when a later step finds a problem.
type doc struct {
	file    string
	root    *yaml.Node // the top mapping
	dataset catalog.Dataset
}

// readDoc decodes one file into v. The doc is nil when the file could not be
// decoded at all; the errors say why.
func readDoc(fsys fs.FS, name string, v any) (*doc, []error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, []error{&Error{File: name, Message: catalog.Text{
				It: "file mancante: il catalogo deve contenere " + name + " con la descrizione del portale",
				En: "missing file: the catalog must hold " + name + " describing the portal",
			}}}
		}
		return nil, []error{&Error{File: name, Message: catalog.Text{
			It: "impossibile leggere il file: " + err.Error(),
			En: "cannot read the file: " + err.Error(),
		}}}
	}

	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, []error{&Error{File: name, Message: catalog.Text{
				It: "il file è vuoto", En: "the file is empty",
			}}}
		}
		return nil, []error{syntaxError(name, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, []error{&Error{File: name, Line: extra.Line, Message: catalog.Text{
			It: "il file contiene più di un documento («---»): ogni file descrive una sola cosa",
			En: "the file holds more than one document (\"---\"): each file describes one thing",
		}}}
	}
	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if top.Kind != yaml.MappingNode {
		return nil, []error{&Error{File: name, Line: top.Line, Message: catalog.Text{
			It: "il file deve contenere un elenco di voci «chiave: valore»",
			En: "the file must hold a list of \"key: value\" entries",
		}}}
	}

	var errs []error
	checkKeys(name, top, reflect.TypeOf(v).Elem(), "", &errs)
	if len(errs) > 0 {
		// Decoding again would only repeat the same complaints.
		return nil, errs
	}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(v); err != nil {
		return nil, decodeErrors(name, err)
	}
	return &doc{file: name, root: top}, nil
}

// checkKeys reports every key of the mapping n that the type t does not
// declare, recursing into nested mappings and lists.
func checkKeys(file string, n *yaml.Node, t reflect.Type, prefix string, errs *[]error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, item := range n.Content {
				checkKeys(file, item, t.Elem(), prefix, errs)
			}
		}
		return
	case reflect.Struct:
	default:
		return
	}
	if n.Kind != yaml.MappingNode {
		return // the decoder reports the wrong type
	}
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			*errs = append(*errs, unknownKey(file, k, prefix, fields))
			continue
		}
		checkKeys(file, val, ft, prefix+k.Value+".", errs)
	}
}

// yamlFields maps the yaml key of each field of t to the field's type.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func unknownKey(file string, k *yaml.Node, prefix string, fields map[string]reflect.Type) error {
	keys := make([]string, 0, len(fields))
	for name := range fields {
		keys = append(keys, name)
	}
	sort.Strings(keys)
	it := fmt.Sprintf("campo sconosciuto «%s%s»", prefix, k.Value)
	en := fmt.Sprintf("unknown key %q", prefix+k.Value)
	if near := nearest(k.Value, keys); near != "" {
		it += fmt.Sprintf(": forse «%s»?", prefix+near)
		en += fmt.Sprintf(": did you mean %q?", prefix+near)
	} else {
		it += "; campi ammessi qui: " + strings.Join(keys, ", ")
		en += "; keys allowed here: " + strings.Join(keys, ", ")
	}
	return &Error{File: file, Line: k.Line, Message: catalog.Text{It: it, En: en}}
}

// nearest returns the key closest to s when it is close enough to be a
// typing error (at most two edits), or "".
func nearest(s string, keys []string) string {
	best, bestD := "", 3
	for _, k := range keys {
		if d := distance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// syntaxError turns a YAML parse error ("yaml: line 3: ...") into an Error.
func syntaxError(file string, err error) error {
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return &Error{File: file, Line: line, Message: catalog.Text{
		It: "errore di sintassi YAML (controllare rientri, due punti e virgolette): " + msg,
		En: "YAML syntax error (check indentation, colons and quotes): " + msg,
	}}
}

// decodeErrors turns the errors of the strict decoder into Errors, one per
// value of the wrong type.
func decodeErrors(file string, err error) []error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return []error{syntaxError(file, err)}
	}
	out := make([]error, 0, len(te.Errors))
	for _, s := range te.Errors {
		line, msg := splitLine(s)
		if strings.HasSuffix(msg, "into time.Duration") {
			out = append(out, &Error{File: file, Line: line, Message: catalog.Text{
				It: "durata non valida: scriverla con la sua unità, es. 30s (secondi) o 2m (minuti): " + msg,
				En: "invalid duration: write it with its unit, e.g. 30s (seconds) or 2m (minutes): " + msg,
			}})
			continue
		}
		out = append(out, &Error{File: file, Line: line, Message: catalog.Text{
			It: "valore del tipo sbagliato (per esempio testo dove serve true/false, o un elenco dove serve un solo valore): " + msg,
			En: "value of the wrong type (for example text where true/false is expected, or a list where one value is expected): " + msg,
		}})
	}
	return out
}

// splitLine splits "line 7: message" into 7 and "message".
func splitLine(s string) (int, string) {
	rest, ok := strings.CutPrefix(s, "line ")
	if !ok {
		return 0, s
	}
	num, msg, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, s
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, s
	}
	return n, msg
}

// line returns the line of the value at the dotted key path, or, when the
// key is missing, the line of the nearest enclosing key (the mapping where it
// should be added).
func (d *doc) line(keyPath string) int {
	n := d.root
	best := n.Line
	for _, k := range strings.Split(keyPath, ".") {
		if n.Kind != yaml.MappingNode {
			return best
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				best = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return best
		}
		n = next
	}
	return best
}

// has reports whether the key path is present in the file.
func (d *doc) has(keyPath string) bool {
	n := d.root
	for _, k := range strings.Split(keyPath, ".") {
		if n.Kind != yaml.MappingNode {
			return false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return false
		}
		n = next
	}
	return true
}
