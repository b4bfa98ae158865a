package office

import "testing"

func TestExportName(t *testing.T) {
	for _, tc := range []struct{ title, doc, want string }{
		{"2026年重点工作分工方案", "", "2026年重点工作分工方案台账.xlsx"},
		{"", "豫政〔2023〕5号", "豫政〔2023〕5号台账.xlsx"},
		{"", "", "台账.xlsx"},
		{"重点工作分工台账", "", "重点工作分工台账.xlsx"},
		{"a/b\"c", "", "a_bc台账.xlsx"},
	} {
		if got := ExportName(tc.title, tc.doc, FormatXLSX); got != tc.want {
			t.Errorf("ExportName(%q, %q) = %q, want %q", tc.title, tc.doc, got, tc.want)
		}
	}
}
