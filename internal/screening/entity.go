package screening

import "time"

// Kind is what a listed entity is.
type Kind string

const (
	KindUnknown      Kind = ""
	KindPerson       Kind = "person"
	KindOrganization Kind = "organization"
	KindVessel       Kind = "vessel"
	KindAircraft     Kind = "aircraft"
)

// List describes one loaded watchlist.
type List struct {
	// Name is the short name hits report ("ofac-sdn", "uflpa", ...).
	Name string
	// Source says where the list comes from (publisher and format).
	Source string
	// Published is the publication date when the file states one; zero
	// when unknown.
	Published time.Time
	// EntityCount is the number of entities loaded.
	EntityCount int
	// SHA256 is the hex checksum of the bytes read (all files of the list,
	// in the order they were read).
	SHA256 string
}

// Identifier is a registration, tax, vessel or other number of an entity.
type Identifier struct {
	Type  string
	Value string
}

// Entity is one listed person, organisation, vessel or aircraft.
type Entity struct {
	ID          string
	Name        string
	Aliases     []string // strong aliases: names the entity is known by
	WeakAliases []string // weak aliases (OFAC "low quality"), scored lower
	Countries   []string // ISO 3166 alpha-2 where recognised, else as given
	Identifiers []Identifier
	Kind        Kind
	ListName    string
	Programs    []string
}

// Watchlist is a loaded list with its entities.
type Watchlist struct {
	List     List
	Entities []Entity
}
