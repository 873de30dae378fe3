package catalog

// ProjectState is a stage of a project in the portal's own words; each
// dataset maps its publisher's codes to these (Dataset.States).
type ProjectState string

// The portal's states, in the order a project goes through them.
const (
	StateEvaluation ProjectState = "in valutazione" // applied for, not yet decided
	StatePlanned    ProjectState = "programmato"    // in a plan, no funding assigned yet
	StateAssigned   ProjectState = "assegnato"      // funding granted
	StateOngoing    ProjectState = "in corso"       // work started
	StateSuspended  ProjectState = "sospeso"        // work stopped for now
	StateCompleted  ProjectState = "concluso"       // work finished
	StatePaid       ProjectState = "erogato"        // funding paid out in full
	StateWithdrawn  ProjectState = "revocato"       // funding withdrawn or renounced
)

// ProjectStates lists the portal's states in order.
func ProjectStates() []ProjectState {
	return []ProjectState{StateEvaluation, StatePlanned, StateAssigned, StateOngoing, StateSuspended, StateCompleted, StatePaid, StateWithdrawn}
}

// Label names the state for people.
func (s ProjectState) Label() Text {
	switch s {
	case StateEvaluation:
		return Text{It: "In valutazione", En: "Under evaluation"}
	case StatePlanned:
		return Text{It: "Programmato", En: "Planned"}
	case StateAssigned:
		return Text{It: "Finanziamento assegnato", En: "Funding assigned"}
	case StateOngoing:
		return Text{It: "In corso", En: "In progress"}
	case StateSuspended:
		return Text{It: "Sospeso", En: "Suspended"}
	case StateCompleted:
		return Text{It: "Concluso", En: "Completed"}
	case StatePaid:
		return Text{It: "Finanziamento erogato", En: "Funding paid out"}
	case StateWithdrawn:
		return Text{It: "Revocato o rinunciato", En: "Withdrawn"}
	}
	return Text{It: string(s), En: string(s)}
}

// Closed reports whether the state is an end: nothing is late any more.
func (s ProjectState) Closed() bool {
	return s == StateCompleted || s == StatePaid || s == StateWithdrawn
}

// GrantsSchema is the national format of PA digitale 2026's funded
// applications: projects too, with the state codes of their publisher.
const GrantsSchema = "padigitale"

// IsProjects reports whether a schema's rows are projects the portal gives
// a page each.
func IsProjects(schema string) bool { return schema == ProjectsSchema || schema == GrantsSchema }
