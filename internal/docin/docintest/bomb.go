// Package docintest builds hostile files for the tests of docin and its
// callers.
package docintest

import (
	"archive/zip"
	"bytes"
)

// ZipBomb is a small .docx whose word/document.xml unpacks to mb MB of
// ordinary paragraphs (a 190 MB one is about 660 KB).
func ZipBomb(mb int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`))
	para := []byte(`<w:p><w:r><w:t>一、加快建设现代化产业体系，扩大有效投资。</w:t></w:r></w:p>`)
	chunk := bytes.Repeat(para, 1<<20/len(para))
	for range mb {
		w.Write(chunk)
	}
	w.Write([]byte(`</w:body></w:document>`))
	zw.Close() // writing to memory cannot fail
	return buf.Bytes()
}
