package web

import (
	"duban/internal/ledger"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"duban/internal/store"
)

// apiNoticePatchBody is a PATCH of a notice's title and header: absent
// fields keep their value.
type apiNoticePatchBody struct {
	Version   optional[int]    `json:"version"`
	Title     optional[string] `json:"title"`
	Issuer    optional[string] `json:"issuer"`
	DocNumber optional[string] `json:"doc_number"`
	Year      optional[int]    `json:"year"`
	IssuedOn  optional[string] `json:"issued_on"`
}

func (*apiNoticePatchBody) fieldList() string {
	return "version、title、issuer、doc_number、year、issued_on"
}

// apiNoticeStale answers a PATCH based on an old version, with the
// notice as it now is.
type apiNoticeStale struct {
	Error   string        `json:"error"`
	Current apiNoticeJSON `json:"current"`
}

// apiNoticePatch changes the notice's header fields the body names, with
// the checks and the audit of the edit page.
func (s *Server) apiNoticePatch(w http.ResponseWriter, r *http.Request) error {
	id, err := apiID(r, errAPINoticeNotFound)
	if err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.store.Notice(ctx, id, ledger.Scope{})
	if errors.Is(err, store.ErrNotFound) {
		return errAPINoticeNotFound
	}
	if err != nil {
		return err
	}
	var p apiNoticePatchBody
	if err := decodeJSONBody(w, r, &p); err != nil {
		return err
	}
	if !p.Version.Set || p.Version.Null {
		return badRequest("缺少 version：请先 GET 该通知，把其中的 version 原样带上，以免覆盖他人的修改。")
	}
	if p.Title.Set && p.Title.Null {
		return badRequest("标题（title）不能为 null 或空白。")
	}
	// the edit page's form, as if the fields the body sets were typed
	f := noticeFormOf(n)
	f.Version = p.Version.V
	for _, o := range []struct {
		v   optional[string]
		dst *string
	}{{p.Title, &f.Title}, {p.Issuer, &f.Issuer}, {p.DocNumber, &f.DocNumber}, {p.IssuedOn, &f.IssuedOn}} {
		if o.v.Set {
			*o.dst = strings.TrimSpace(o.v.V) // null clears
		}
	}
	if p.Year.Set {
		f.Year = ""
		if !p.Year.Null && p.Year.V != 0 {
			f.Year = strconv.Itoa(p.Year.V)
		}
	}
	h, err := f.header()
	if err != nil {
		return err
	}
	out, err := s.store.UpdateNoticeHeader(ctx, id, f.Version, h, userFrom(r).Actor())
	var (
		stale *store.NoticeStaleError
		dup   *store.DuplicateError
	)
	switch {
	case errors.As(err, &stale):
		writeJSON(w, http.StatusConflict, apiNoticeStale{Error: stale.Error(), Current: apiNoticeOf(stale.Current, s.cfg.Location)})
		return nil
	case errors.As(err, &dup):
		return &httpError{code: http.StatusConflict, msg: docNumberTaken(dup)}
	case err != nil:
		return err
	}
	out.TaskCount = n.TaskCount
	writeJSON(w, http.StatusOK, apiNoticeOf(out, s.cfg.Location))
	return nil
}
