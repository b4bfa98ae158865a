package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version describes this binary from what the Go toolchain stamped into
// it: the module version, the commit it was built from and when that was
// committed, and whether the tree had uncommitted changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "duban (版本未知 unknown version)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	parts := []string{"duban", bi.Main.Version}
	set := map[string]string{}
	for _, s := range bi.Settings {
		set[s.Key] = s.Value
	}
	if rev := set["vcs.revision"]; rev != "" {
		parts = append(parts, "commit "+rev[:min(12, len(rev))])
	}
	if t := set["vcs.time"]; t != "" {
		parts = append(parts, t)
	}
	if set["vcs.modified"] == "true" {
		parts = append(parts, "(含未提交的修改 modified)")
	}
	return strings.Join(append(parts, bi.GoVersion), " ")
}

func cmdVersion(stdout io.Writer) int {
	fmt.Fprintln(stdout, version())
	return 0
}
