package web

import (
	"net/http"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

type jobsPage struct {
	base
	Stats    store.JobStats
	Failures []store.JobFailure
}

// jobsPage shows the operator how background work and mail are doing, with what keeps failing,
// and lets them retry it now. Instance admins and community owners may see it; it names no one.
func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if !u.IsAdmin {
		owner, err := s.ownsAnyCommunity(r, u)
		if err != nil {
			return err
		}
		if !owner {
			return convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)
		}
	}
	if r.Method == http.MethodPost {
		if _, err := s.store.RetryNow(ctx); err != nil {
			return err
		}
		s.wakeMail()
		return s.redirect(w, r, "/admin/jobs", "flash.jobs_retried")
	}
	st, err := s.store.Stats(ctx)
	if err != nil {
		return err
	}
	jobs, err := s.store.JobFailures(ctx, 50)
	if err != nil {
		return err
	}
	mails, err := s.store.MailFailures(ctx, 50)
	if err != nil {
		return err
	}
	b := s.newBase(r, viewerOf(r).L.T("jobs.title"))
	return s.render(w, http.StatusOK, "jobs", jobsPage{base: b, Stats: st, Failures: append(jobs, mails...)})
}

// ownsAnyCommunity reports whether u owns at least one community.
func (s *Server) ownsAnyCommunity(r *http.Request, u *convene.User) (bool, error) {
	roles, err := s.store.RolesOfUser(r.Context(), u.ID)
	if err != nil {
		return false, err
	}
	for _, role := range roles {
		if role == convene.RoleOwner {
			return true, nil
		}
	}
	return false, nil
}
