package catalog

// Severity says whether an issue blocks publication.
type Severity string

const (
	// Error issues refuse the file: the last good version stays published.
	Error Severity = "error"
	// Warning issues are reported but the file is published.
	Warning Severity = "warning"
)

// Issue is one problem found in a file: where, which rule, and what to do,
// in words a clerk understands.
type Issue struct {
	Ref      Ref      `json:"ref"`
	Severity Severity `json:"severity"`
	// Rule is a stable identifier of the check that failed, such as
	// "required", "type", "unique", "registry", "cup", "total".
	Rule string `json:"rule"`
	// Field is the schema field concerned, if any.
	Field string `json:"field,omitempty"`
	// Value is the value found in the cell, as the file shows it.
	Value string `json:"value,omitempty"`
	// Message explains the problem and the fix.
	Message Text `json:"message"`
}

// Where is the reference as text, for reports.
func (i Issue) Where() string { return i.Ref.String() }

// Blocking reports whether any issue in the list refuses the file.
func Blocking(issues []Issue) bool {
	for _, i := range issues {
		if i.Severity != Warning {
			return true
		}
	}
	return false
}

// FirstReason is the first blocking issue as one line, "where: what", for
// summaries and the status of a refused file; empty when none blocks.
func FirstReason(issues []Issue) Text {
	for _, i := range issues {
		if i.Severity != Warning {
			where := i.Ref.String()
			return Text{It: where + ": " + i.Message.It, En: where + ": " + i.Message.En}
		}
	}
	return Text{}
}
