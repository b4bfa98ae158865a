package web

// TEMPORARY: replaced by directory.go (units, leaders, users).
func (s *Server) directoryRoutes() []route { return nil }
