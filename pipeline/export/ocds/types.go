package ocds

// The OCDS 1.1 objects written, in the schema's field order; only the
// fields L. 190 files can fill.

// packageHead is a release package less its releases, which encode
// writes after it.
type packageHead struct {
	URI           string    `json:"uri,omitempty"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     publisher `json:"publisher"`
	Version       string    `json:"version"`
	Extensions    []string  `json:"extensions,omitempty"`
}

type publisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
}

type release struct {
	OCID           string      `json:"ocid"`
	ID             string      `json:"id"`
	Date           string      `json:"date"`
	Tag            []string    `json:"tag"`
	InitiationType string      `json:"initiationType"`
	Parties        []*party    `json:"parties,omitempty"`
	Buyer          *orgRef     `json:"buyer,omitempty"`
	Tender         *tender     `json:"tender,omitempty"`
	Awards         []*award    `json:"awards,omitempty"`
	Contracts      []*contract `json:"contracts,omitempty"`
	Language       string      `json:"language,omitempty"`
}

type orgRef struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id"`
}

type identifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

type party struct {
	Name       string      `json:"name,omitempty"`
	ID         string      `json:"id"`
	Identifier *identifier `json:"identifier,omitempty"`
	Roles      []string    `json:"roles,omitempty"`
	Details    *details    `json:"details,omitempty"`
	// MemberOf is the memberOf extension's field.
	MemberOf []orgRef `json:"memberOf,omitempty"`
}

// details says what OCDS has no field for: that a party is a grouping of
// bidders, and a member's role in each grouping as ANAC words it.
type details struct {
	Raggruppamento      bool         `json:"raggruppamento,omitempty"`
	RuoliRaggruppamento []memberRole `json:"ruoliRaggruppamento,omitempty"`
}

type memberRole struct {
	ID    string `json:"id"`
	Ruolo string `json:"ruolo,omitempty"`
}

func (p *party) ref() *orgRef { return &orgRef{Name: p.Name, ID: p.ID} }

func (p *party) addRole(role string) {
	if role == "" {
		return
	}
	for _, r := range p.Roles {
		if r == role {
			return
		}
	}
	p.Roles = append(p.Roles, role)
}

// memberOf notes that p is a member of the grouping g with ANAC's role.
func (p *party) memberOf(g *orgRef, ruolo string) {
	found := false
	for _, m := range p.MemberOf {
		if m.ID == g.ID {
			found = true
			break
		}
	}
	if !found {
		p.MemberOf = append(p.MemberOf, *g)
	}
	if p.Details == nil {
		p.Details = &details{}
	}
	for _, r := range p.Details.RuoliRaggruppamento {
		if r.ID == g.ID && r.Ruolo == ruolo {
			return
		}
	}
	p.Details.RuoliRaggruppamento = append(p.Details.RuoliRaggruppamento, memberRole{ID: g.ID, Ruolo: ruolo})
}

type tender struct {
	ID                       string    `json:"id"`
	Title                    string    `json:"title,omitempty"`
	ProcurementMethod        string    `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails string    `json:"procurementMethodDetails,omitempty"`
	NumberOfTenderers        *int      `json:"numberOfTenderers,omitempty"`
	Tenderers                []*orgRef `json:"tenderers,omitempty"`
}

type award struct {
	ID        string    `json:"id"`
	Value     *value    `json:"value,omitempty"`
	Suppliers []*orgRef `json:"suppliers,omitempty"`
}

type contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Value          *value          `json:"value,omitempty"`
	Period         *period         `json:"period,omitempty"`
	Implementation *implementation `json:"implementation,omitempty"`
}

type value struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

type period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

type implementation struct {
	Transactions []transaction `json:"transactions"`
}

type transaction struct {
	ID    string  `json:"id"`
	Date  string  `json:"date,omitempty"`
	Value value   `json:"value"`
	Payer *orgRef `json:"payer,omitempty"`
	Payee *orgRef `json:"payee,omitempty"`
}
