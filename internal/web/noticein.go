package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"duban/internal/docin"
	"duban/internal/notice"
)

// readSubmittedNotice reads a notice sent by a page or the API and parses
// it. It accepts a multipart form with a file (field "file") or pasted
// text (field "text"), or a raw body: text/plain, or a document whose name
// comes from ?name=. A notice that cannot be read is a 400 in Chinese.
func (s *Server) readSubmittedNotice(w http.ResponseWriter, r *http.Request) (name string, n *notice.Notice, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var data []byte
	switch ct {
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(4 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return "", nil, uploadError(err)
		}
		if err := checkForm(r.PostForm); err != nil {
			return "", nil, err
		}
		name = strings.TrimSpace(r.FormValue("name"))
		if f, fh, ferr := r.FormFile("file"); ferr == nil {
			defer f.Close()
			if data, err = io.ReadAll(f); err != nil {
				return "", nil, uploadError(err)
			}
			if name == "" {
				name = fh.Filename
			}
		} else if text := r.FormValue("text"); strings.TrimSpace(text) != "" {
			data = []byte(text)
			if name == "" {
				name = "粘贴的文本.txt"
			}
		} else {
			return "", nil, badRequest("请选择通知文件，或把通知全文粘贴到文本框中。")
		}
	default:
		if data, err = io.ReadAll(r.Body); err != nil {
			return "", nil, uploadError(err)
		}
		name = r.URL.Query().Get("name")
		if name == "" {
			name = "notice.txt"
		}
	}
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if ext := strings.ToLower(filepath.Ext(name)); ext == "" {
		name += ".txt"
	}
	release, err := s.parseSlot(r.Context())
	if err != nil {
		return "", nil, err
	}
	defer release()
	// Reading stops when the sender goes away (r.Context() is done).
	text, err := docin.ReadContext(r.Context(), name, data)
	if err != nil {
		var de *docin.Error
		switch {
		case errors.As(err, &de):
			return "", nil, badRequest(de.Zh)
		case r.Context().Err() != nil:
			return "", nil, err
		}
		return "", nil, badRequest("无法读取该文件：" + err.Error())
	}
	n, err = notice.Parse(text)
	if err != nil {
		var ne *notice.Error
		if errors.As(err, &ne) {
			return "", nil, badRequest(ne.Zh)
		}
		return "", nil, err
	}
	if n.Title == "" {
		n.Title = n.ProposedTitle() // the office reviews and edits it
	}
	return name, n, nil
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &httpError{code: http.StatusRequestEntityTooLarge, msg: "文件过大：通知文件不能超过 20 MB。"}
	}
	return badRequest("上传未完成，请重新选择文件提交。")
}

var errBusy = &httpError{code: http.StatusServiceUnavailable, msg: "同时导入的文件较多，系统正忙，请稍后再提交。"}

// parseSlot waits for one of the MaxParsing places to read and parse a
// notice, for at most ParseWait or until the sender goes away; release
// gives the place back.
func (s *Server) parseSlot(ctx context.Context) (release func(), err error) {
	wait := time.NewTimer(s.cfg.ParseWait)
	defer wait.Stop()
	select {
	case s.parsing <- struct{}{}:
		return func() { <-s.parsing }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-wait.C:
		return nil, errBusy
	}
}
