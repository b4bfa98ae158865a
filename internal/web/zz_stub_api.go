package web

// TEMPORARY: replaced by api.go.
func (s *Server) apiRoutes() []route { return nil }
