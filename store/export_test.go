package store

// PreparedStatements is how many statements the store keeps prepared, for tests that bound it.
func (s *Store) PreparedStatements() int {
	n := 0
	s.stmts.Range(func(_, _ any) bool { n++; return true })
	return n
}
