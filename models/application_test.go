package models

import (
	"testing"
	"time"
)

// Every (side, from, to) triple: exactly the moves of the pipeline are
// allowed; all others are conflicts.
func TestCheckMove(t *testing.T) {
	allowed := map[Side]map[Stage][]Stage{
		SideOrg: {
			StageApplied:      {StageShortlisted, StageRejected},
			StageInvited:      {StageRejected, StageWithdrawn},
			StageShortlisted:  {StageInterviewing, StageRejected},
			StageInterviewing: {StageOffered, StageRejected},
			StageOffered:      {StageHired, StageRejected},
		},
		SideCreator: {
			StageApplied:      {StageWithdrawn},
			StageInvited:      {StageWithdrawn},
			StageShortlisted:  {StageWithdrawn},
			StageInterviewing: {StageWithdrawn},
			StageOffered:      {StageWithdrawn},
		},
	}
	n := 0
	for _, side := range []Side{SideOrg, SideCreator} {
		for _, from := range Stages {
			for _, to := range Stages {
				want := false
				for _, s := range allowed[side][from] {
					want = want || s == to
				}
				err := CheckMove(side, from, to)
				if want && err != nil || !want && ErrorCode(err) != CodeConflict {
					t.Errorf("%s: %s → %s: %v (allowed %v)", side, from, to, err, want)
				}
				n++
			}
		}
	}
	if n != 2*len(Stages)*len(Stages) {
		t.Fatal(n)
	}
}

func TestApplicationApply(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	inv := &Application{Stage: StageInvited, InitiatedBy: SideOrg}

	if err := inv.Apply(SideOrg, "org", ApplicationUpdate{AcceptContact: true}, at); ErrorCode(err) != CodeForbidden {
		t.Fatalf("org accepting contact: %v", err)
	}
	if err := inv.Apply(SideOrg, "org", ApplicationUpdate{Stage: StageShortlisted}, at); ErrorCode(err) != CodeConflict {
		t.Fatalf("org shortlisting an invitation before the creator accepts: %v", err)
	}
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{}, at); ErrorCode(err) != CodeValidation {
		t.Fatalf("empty update: %v", err)
	}
	// Sharing contact does not accept the invitation; accepting shares
	// nothing: two separate consents.
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{AcceptContact: true, Note: "yes"}, at); err != nil {
		t.Fatal(err)
	}
	if inv.Stage != StageInvited || !inv.ContactAccepted || len(inv.History) != 1 || inv.History[0].Action != "accept_contact" {
		t.Fatalf("sharing contact on an invitation: %+v", inv)
	}
	if err := inv.Apply(SideOrg, "org", ApplicationUpdate{AcceptInvitation: true}, at); ErrorCode(err) != CodeForbidden {
		t.Fatalf("the organisation accepts its own invitation: %v", err)
	}
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{AcceptInvitation: true}, at); err != nil {
		t.Fatal(err)
	}
	if inv.Stage != StageShortlisted || len(inv.History) != 2 || inv.History[1].Action != "accept_invitation" || inv.History[1].From != StageInvited {
		t.Fatalf("accepting an invitation: %+v", inv)
	}
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{AcceptInvitation: true}, at); ErrorCode(err) != CodeConflict {
		t.Fatalf("accepting twice: %v", err)
	}
	accepted := Application{Stage: StageInvited}
	if err := accepted.Apply(SideCreator, "me", ApplicationUpdate{AcceptInvitation: true}, at); err != nil || accepted.ContactAccepted {
		t.Fatalf("accepting shared the contact: %v %+v", err, accepted)
	}
	accepted.WithdrawContact("me", at)
	if len(accepted.History) != 1 {
		t.Fatalf("withdrawing a consent never given: %+v", accepted)
	}
	// Accepting again records nothing new.
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{AcceptContact: true}, at); err != nil || len(inv.History) != 2 {
		t.Fatalf("second accept: %v %d", err, len(inv.History))
	}
	for _, to := range []Stage{StageInterviewing, StageOffered, StageHired} {
		if err := inv.Apply(SideOrg, "org", ApplicationUpdate{Stage: to}, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := inv.Apply(SideCreator, "me", ApplicationUpdate{Stage: StageWithdrawn}, at); ErrorCode(err) != CodeConflict {
		t.Fatalf("withdrawing after the hire: %v", err)
	}
	last := inv.History[len(inv.History)-1]
	if inv.Stage != StageHired || last.From != StageOffered || last.To != StageHired || last.By != "org" || !last.At.Equal(at) {
		t.Fatalf("history: %+v", inv.History)
	}
}
