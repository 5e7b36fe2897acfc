package web

import (
	"encoding/csv"
	"net/http"
	"strings"
)

// csvFile is a CSV download as spreadsheets open it right: UTF-8 with a byte-order mark (without
// it Excel reads "Université" as "UniversitÃ©"), CRLF line ends (RFC 4180), and every cell guarded
// so that none is read as a formula. Every export writes through it.
type csvFile struct {
	w *csv.Writer
}

// startCSV sends the headers of a CSV attachment and the byte-order mark.
func startCSV(w http.ResponseWriter, filename string) (*csvFile, error) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvFile{w: cw}, nil
}

// row writes one line, each cell guarded.
func (f *csvFile) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	return f.w.Write(cells)
}

// close flushes what is buffered and reports any write error.
func (f *csvFile) close() error {
	f.w.Flush()
	return f.w.Error()
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet (CWE-1236): one that starts
// with = + - @ (or their full-width forms), a tab or a carriage return gets a leading apostrophe.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(s)[0]) {
		return "'" + s
	}
	return s
}
