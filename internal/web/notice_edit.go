package web

import (
	"duban/internal/ledger"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"duban/internal/notice"
	"duban/internal/store"
)

// noticeForm is the header edit form as typed, kept whole when refused.
type noticeForm struct {
	Title, Issuer, DocNumber, Year, IssuedOn string
	Version                                  int
}

func noticeFormOf(n *store.NoticeInfo) noticeForm {
	f := noticeForm{Title: n.Title, Issuer: n.Issuer, DocNumber: n.DocNumber, IssuedOn: n.IssuedOn.String(), Version: n.Version}
	if n.Year != 0 {
		f.Year = strconv.Itoa(n.Year)
	}
	return f
}

// header checks the form and turns it into what the store saves.
func (f noticeForm) header() (store.NoticeHeader, error) {
	h := store.NoticeHeader{Title: f.Title, Issuer: f.Issuer, DocNumber: f.DocNumber}
	var problems []string
	if h.Title == "" {
		problems = append(problems, "标题不能为空")
	}
	for _, c := range []struct{ label, v string }{{"标题", f.Title}, {"发文机关", f.Issuer}, {"文号", f.DocNumber}} {
		if len([]rune(c.v)) > 200 {
			problems = append(problems, c.label+"不能超过 200 字")
		}
	}
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil || y < 1949 || y > 2200 {
			problems = append(problems, fmt.Sprintf("年度“%s”无效", f.Year))
		}
		h.Year = y
	}
	if f.IssuedOn != "" {
		d, err := notice.ParseDate(f.IssuedOn)
		if err != nil {
			problems = append(problems, "成文日期不是有效日期（应为 2026-01-21 的格式）")
		}
		h.IssuedOn = d
	}
	if f.Version <= 0 {
		problems = append(problems, "表单缺少版本号，请重新打开编辑页面")
	}
	if len(problems) > 0 {
		return h, badRequest(strings.Join(problems, "；") + "。")
	}
	return h, nil
}

type noticeEditPage struct {
	Base
	Notice  *store.NoticeInfo
	Form    noticeForm
	Error   string
	Current *store.NoticeInfo // the newer version, when a save was stale
}

func (s *Server) noticeEditShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.store.Notice(r.Context(), id, ledger.Scope{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "notice_edit", &noticeEditPage{Base: s.base(w, r, "修改通知："+n.Name()), Notice: n, Form: noticeFormOf(n)})
}

func (s *Server) noticeEditSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.store.Notice(ctx, id, ledger.Scope{})
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := noticeForm{Title: v("title"), Issuer: v("issuer"), DocNumber: v("doc_number"), Year: v("year"), IssuedOn: v("issued_on")}
	form.Version, _ = strconv.Atoi(v("version"))
	page := &noticeEditPage{Base: s.base(w, r, "修改通知："+n.Name()), Notice: n, Form: form}
	h, err := form.header()
	if err == nil {
		_, err = s.store.UpdateNoticeHeader(ctx, id, form.Version, h, userFrom(r).Actor())
	}
	var (
		stale *store.NoticeStaleError
		dup   *store.DuplicateError
	)
	switch {
	case err == nil:
		return s.redirect(w, r, fmt.Sprintf("/notices/%d", id), "通知已保存。")
	case errors.As(err, &stale):
		// keep what was typed; the next save goes against the current version
		page.Error, page.Current = stale.Error(), stale.Current
		page.Form.Version = stale.Current.Version
		return s.render(w, r, http.StatusConflict, "notice_edit", page)
	case errors.As(err, &dup):
		page.Error = docNumberTaken(dup)
		return s.render(w, r, http.StatusConflict, "notice_edit", page)
	default:
		code, msg := status(err)
		if code >= 500 {
			return err
		}
		page.Error = msg
		return s.render(w, r, code, "notice_edit", page)
	}
}

// docNumberTaken says that an edited doc number is another notice's.
func docNumberTaken(dup *store.DuplicateError) string {
	return "文号与另一份已导入的通知相同：" + dup.Existing.Name() + "。请核对文号。"
}
