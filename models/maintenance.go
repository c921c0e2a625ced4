package models

import "time"

// Maintenance is what an admin starts and watches, from the admin page or
// the API: a rebuild of the search index (main wires it to the index).
type Maintenance interface {
	// StartReindex starts a rebuild in the background; CodeConflict if one
	// is running.
	StartReindex() error
	// ReindexStatus says whether a rebuild runs, how many documents it has
	// indexed, and how the last one ended.
	ReindexStatus() ReindexStatus
}

// ReindexStatus is the progress of a rebuild.
type ReindexStatus struct {
	Running  bool      `json:"running"`
	Done     int       `json:"done"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Err      string    `json:"error,omitempty"`
	// Reconciling says the index is being reconciled with the database
	// (after an unclean stop, or the hourly check): a change made just
	// before may reach search a little late meanwhile.
	Reconciling bool `json:"reconciling"`
}
