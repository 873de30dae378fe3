package validate

import (
	"errors"
	"regexp"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// dateTime is a date and time as the portal keeps it: "2006-01-02T15:04:05",
// with a zone ("Z", "+01:00", "+0100") only when the source had one, and
// seconds or fractions optional. RFC 3339 (the library's own date-time)
// requires a zone, which spreadsheets never write.
var dateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`)

var dateTimeFormat = &jsonschema.Format{
	Name: "date-time",
	Validate: func(v any) error {
		s, ok := v.(string)
		if !ok || dateTime.MatchString(s) {
			return nil
		}
		return errors.New("not a date and time such as 2024-12-31T10:30:00")
	},
}
