package web

// PageCacheBytes is how much the page cache holds, for tests that bound it.
func (s *Server) PageCacheBytes() uint64 { return s.cache.bytes() }

// LocalPath exposes localPath to the redirect tests.
var LocalPath = localPath
