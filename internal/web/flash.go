package web

import (
	"encoding/json"
	"net/http"

	"duban/internal/auth"
)

// secretFlash is what a form's answer shows once, on the page its
// redirect leads to: a message and a secret (a new API token or password).
// The secret goes in no URL and no cookie: it waits on the server, sealed
// with the session's cookie, and is gone once shown, so that reloading the
// page neither resubmits the form nor shows the secret again.
type secretFlash struct {
	Done   string `json:"done"`
	Secret string `json:"secret"`
}

// redirectSecret answers a form with a redirect to the page that shows f.
func (s *Server) redirectSecret(w http.ResponseWriter, r *http.Request, to string, f secretFlash) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return err
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	sealed, err := auth.Seal(c.Value, string(b))
	if err != nil {
		return err
	}
	if err := s.store.SetSessionFlash(r.Context(), sessionFrom(r), sealed); err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// takeSecret is the session's secret flash, once; none is the zero value.
func (s *Server) takeSecret(r *http.Request) (secretFlash, error) {
	var f secretFlash
	c, err := r.Cookie(sessionCookie)
	if err != nil || sessionFrom(r) == "" {
		return f, nil
	}
	sealed, err := s.store.TakeSessionFlash(r.Context(), sessionFrom(r))
	if err != nil || sealed == "" {
		return f, err
	}
	msg, err := auth.Unseal(c.Value, sealed)
	if err != nil {
		return f, nil // not this cookie's: nothing to show
	}
	err = json.Unmarshal([]byte(msg), &f)
	return f, err
}
