package web

import "net/http"

// TEMPORARY: replaced by the lead's files.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error             { return errNotFound }
func (s *Server) noticeShow(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) noticeExportXLSX(w http.ResponseWriter, r *http.Request) error { return errNotFound }
func (s *Server) noticeExportCSV(w http.ResponseWriter, r *http.Request) error  { return errNotFound }
func (s *Server) noticeDelete(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) importShow(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) draftShow(w http.ResponseWriter, r *http.Request) error        { return errNotFound }
func (s *Server) draftSubmit(w http.ResponseWriter, r *http.Request) error      { return errNotFound }
func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) error         { return errNotFound }
func (s *Server) taskEditShow(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) taskEditSave(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
