package docin

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"duban/internal/docin/docintest"
)

// TestZipBombRefused: a .docx that unpacks far beyond any notice is
// refused with a Chinese message, without reading it all.
func TestZipBombRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		mb   int
		want string
	}{
		{"text past MaxText", 14, "文字过多"},
		{"document.xml of 190 MB", 190, "解压后内容过大"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := docintest.ZipBomb(c.mb)
			start := time.Now()
			text, err := Read("bomb.docx", data)
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Zh, c.want) {
				t.Fatalf("%d KB file unpacking to %d MB: %d bytes of text, error %v; want %q", len(data)>>10, c.mb, len(text), err, c.want)
			}
			t.Logf("%d KB file unpacking to %d MB refused in %v", len(data)>>10, c.mb, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestReadStopsWhenCancelled: an import whose sender has gone stops.
func TestReadStopsWhenCancelled(t *testing.T) {
	data := docintest.ZipBomb(30)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := ReadContext(ctx, "bomb.docx", data)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancelling: %v", err)
	}
}
