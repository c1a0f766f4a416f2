package grievance

import (
	"github.com/upstream-platform/upstream/internal/kernel"
)

// ErrBusy is the answer to a reporter when the key-stretching queue is
// full: nothing was stored and nothing is lost by trying again shortly.
var ErrBusy error = &kernel.Error{Code: kernel.Unavailable, Message: "the service is busy; nothing was sent yet, please try again in a few minutes"}

// Admission bounds how many intake and follow-up requests may wait for the
// key-stretching (argon2id) work at once. Each costs a fixed amount of CPU
// and memory and the vault runs only a few at a time; without a bound, a
// flood would queue requests until every genuine one timed out. Beyond the
// bound a request is refused at once with ErrBusy and stores nothing.
type Admission struct{ slots chan struct{} }

// DefaultAdmissionQueue lets 64 requests wait for the stretching work: at
// about 0.1 s per run on two lanes, the last waits some 3 seconds.
const DefaultAdmissionQueue = 64

// NewAdmission returns an admission gate letting queue requests wait or run.
func NewAdmission(queue int) *Admission {
	return &Admission{slots: make(chan struct{}, max(queue, 1))}
}

// Enter takes a place in the queue or refuses with ErrBusy; the returned
// function gives the place back.
func (a *Admission) Enter() (func(), error) {
	select {
	case a.slots <- struct{}{}:
		return func() { <-a.slots }, nil
	default:
		return nil, ErrBusy
	}
}
