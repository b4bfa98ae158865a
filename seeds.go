// Package duban carries into the binary what the repository keeps at its
// root for it: the seed notices `duban serve --demo` loads. They stay in
// testdata/seeds, single-sourced, where the tests read them too; only a
// package in this directory can embed them (go:embed never reaches up).
package duban

import "embed"

// Seeds holds testdata/seeds/*.txt.
//
//go:embed testdata/seeds/*.txt
var Seeds embed.FS
