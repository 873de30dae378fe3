package catalog

import (
	"strings"
	"time"
)

// Portal is the description of the whole portal, from the catalog's portal file.
type Portal struct {
	Title       Text      `yaml:"title" json:"title"`
	Description Text      `yaml:"description" json:"description"`
	Publisher   Publisher `yaml:"publisher" json:"publisher"`
	// BaseURL is the public address of the portal, ending in "/".
	BaseURL   string   `yaml:"base_url" json:"base_url"`
	Languages []string `yaml:"languages" json:"languages"`
	// License is the default licence of datasets, as an identifier of the
	// licence vocabulary (for example "CC-BY-4.0").
	License string `yaml:"license" json:"license"`
	// Schedule is the default cron spec for pulling sources.
	Schedule string `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// SourceTimeout is how long to wait for a source whose dataset does not
	// say; PullTimeout bounds the whole pull phase, all sources together.
	SourceTimeout Timeout       `yaml:"source_timeout,omitempty" json:"-"`
	PullTimeout   time.Duration `yaml:"pull_timeout,omitempty" json:"-"`
	// OCDSPrefix is the ocid prefix of the Open Contracting packages, as
	// registered with the Open Contracting Partnership ("ocds-" and six
	// letters or digits); empty means OCIDPrefix's default.
	OCDSPrefix string `yaml:"ocds_prefix,omitempty" json:"ocds_prefix,omitempty"`
}

// OCIDPrefix is the ocid prefix of the portal's contracts: OCDSPrefix when
// set, else "ocds-" and the publisher's IPA code in lower case. The
// default is no registered prefix: its underscore ("ocds-p_co") keeps it
// from ever meeting one, which are six letters or digits.
func (p Portal) OCIDPrefix() string {
	if p.OCDSPrefix != "" {
		return p.OCDSPrefix
	}
	return "ocds-" + strings.ToLower(p.Publisher.IPA)
}

// Publisher is the administration that runs the portal.
type Publisher struct {
	Name Text `yaml:"name" json:"name"`
	// IPA is the code of the administration in the Indice delle Pubbliche
	// Amministrazioni, used in DCAT-AP_IT identifiers.
	IPA string `yaml:"ipa" json:"ipa"`
	// ISTAT is the ISTAT code of the administration (3 digits for a province,
	// 6 for a comune).
	ISTAT    string `yaml:"istat" json:"istat"`
	Email    string `yaml:"email" json:"email"`
	Homepage string `yaml:"homepage,omitempty" json:"homepage,omitempty"`
	// Contact names the office that answers questions about the data, as
	// the contact point of the DCAT-AP_IT catalog (vcard:fn); the
	// publisher's Italian name when not given.
	Contact string `yaml:"contact,omitempty" json:"contact,omitempty"`
}

// Dataset is one dataset as the catalog declares it.
type Dataset struct {
	ID          string `yaml:"id" json:"id"`
	Title       Text   `yaml:"title" json:"title"`
	Description Text   `yaml:"description" json:"description"`
	// Publisher is the ISTAT code of the comune (6 digits) or of the
	// province (3 digits) that publishes the dataset.
	Publisher string `yaml:"publisher" json:"publisher"`
	// Theme is an EU data-theme code such as "GOVE" or "ECON".
	Theme string `yaml:"theme" json:"theme"`
	// Frequency is an EU frequency code such as "ANNUAL" or "MONTHLY".
	Frequency string `yaml:"frequency" json:"frequency"`
	// License is a licence identifier; empty means the portal's default.
	License  string   `yaml:"license,omitempty" json:"license,omitempty"`
	Schema   string   `yaml:"schema" json:"schema"`
	Source   Source   `yaml:"source" json:"source"`
	Keywords []string `yaml:"keywords" json:"keywords"`
	// Schedule overrides the portal's default cron spec for this source.
	Schedule string `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// Temporal is the period the data covers, where known.
	Temporal *Period `yaml:"temporal,omitempty" json:"temporal,omitempty"`
	// Example marks a dataset whose content is illustrative, not real.
	Example bool `yaml:"example,omitempty" json:"example,omitempty"`
	// Provenance says where the data comes from and under which licence.
	Provenance string `yaml:"provenance,omitempty" json:"provenance,omitempty"`
	// States maps the publisher's own state codes ("A", "Chiuso") to the
	// portal's (ProjectStates), for the projects of the dataset.
	States map[string]ProjectState `yaml:"states,omitempty" json:"states,omitempty"`
	// File is the catalog file that declared the dataset, for messages.
	File string `yaml:"-" json:"-"`
}

// Source says where the raw file of a dataset comes from. Exactly one of
// Path and URL is set.
type Source struct {
	// Path is relative to the catalog folder.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	URL  string `yaml:"url,omitempty" json:"url,omitempty"`
	// Sheet names the sheet to read in a workbook; empty means the first.
	Sheet string `yaml:"sheet,omitempty" json:"sheet,omitempty"`
	// Timeout bounds the wait for the source; zero fields take the portal's.
	Timeout Timeout `yaml:"timeout,omitempty" json:"-"`
	// Filter keeps only the rows whose columns hold the given values, by
	// header or field name (cod_provincia: "013"): a national file
	// republished for the Province's rows, the file itself left verbatim.
	Filter map[string]string `yaml:"filter,omitempty" json:"filter,omitempty"`
}

// Timeout bounds how long the pipeline waits for a remote source, so that
// one server that never answers does not hold the whole build.
type Timeout struct {
	// Attempt bounds one request, from connecting to the last byte.
	Attempt time.Duration `yaml:"attempt,omitempty" json:"-"`
	// Total bounds all the attempts at one source, waits between them
	// included.
	Total time.Duration `yaml:"total,omitempty" json:"-"`
}

// The waits when the catalog does not say: a server that never answers
// costs two attempts within DefaultSourceTimeout, and the pull phase ends
// by DefaultPullTimeout whatever happens, so such a build ends in under two
// minutes.
const (
	DefaultAttemptTimeout = 30 * time.Second
	DefaultSourceTimeout  = 60 * time.Second
	DefaultPullTimeout    = 90 * time.Second
)

// Period is a time span; End may be zero for an open period.
type Period struct {
	Start Date `yaml:"start" json:"start"`
	End   Date `yaml:"end,omitempty" json:"end,omitempty"`
}

// Date is a calendar date written as YYYY-MM-DD.
type Date string

// Time parses the date; the zero time for an empty or malformed date.
func (d Date) Time() time.Time {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return time.Time{}
	}
	return t
}

// Catalog is the whole catalog: the portal and its datasets in a stable order.
type Catalog struct {
	Portal   Portal
	Datasets []Dataset
}

// Dataset returns the dataset with the given id.
func (c *Catalog) Dataset(id string) (Dataset, bool) {
	for _, d := range c.Datasets {
		if d.ID == id {
			return d, true
		}
	}
	return Dataset{}, false
}
