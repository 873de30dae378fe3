package catalog

// Text is a string given in the portal's languages. Italian comes first and
// is the fallback: a text with no English falls back to Italian.
type Text struct {
	It string `yaml:"it" json:"it"`
	En string `yaml:"en,omitempty" json:"en,omitempty"`
}

// In returns the text in lang ("it" or "en"), falling back to Italian.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.It
}

// IsZero reports whether the text is empty in every language.
func (t Text) IsZero() bool { return t.It == "" && t.En == "" }
