package web

// PageCacheBytes is how much the page cache holds, for tests that bound it.
func (s *Server) PageCacheBytes() uint64 { return s.cache.bytes() }

// LocalPath exposes localPath to the redirect tests.
var LocalPath = localPath

// PageRoutes lists the route patterns that are not the JSON API's.
func (s *Server) PageRoutes() []string { return s.pageRoutes }

// APIRoutes lists the JSON API's route patterns.
func (s *Server) APIRoutes() []string { return s.apiRoutes }

// AsWritten makes a server render pages from their templates as written, looking up every
// message as it renders, for comparison with the translated templates it uses otherwise.
func AsWritten(cfg *Config) { cfg.asWritten = true }

// Unkept makes a server keep nothing by stamp, so that benchmarks measure what the first request
// after a change costs.
func Unkept(cfg *Config) { cfg.unkept = true }
