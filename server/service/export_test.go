package service

// HoldRegistrationHashing takes every hashing slot that registrations use,
// as a flood of registrations would, until release is called.
func (a *Accounts) HoldRegistrationHashing() (release func()) {
	h := a.registrations
	for range cap(h.slots) {
		h.slots <- struct{}{}
	}
	return func() {
		for range cap(h.slots) {
			<-h.slots
		}
	}
}
