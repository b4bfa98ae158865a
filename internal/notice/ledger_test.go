package notice

import (
	"slices"
	"testing"
)

func TestLedgerTasks(t *testing.T) {
	row := func(section, no string) AnnexRow { return AnnexRow{Section: section, No: no, Text: "任务" + no} }
	type named struct{ Section, No string }
	for _, c := range []struct {
		name string
		body []Task
		rows []AnnexRow
		want []named
	}{
		{"no table", []Task{{No: "1"}}, nil, []named{{"", "1"}}},
		{"a titled table after the body", []Task{{No: "1"}, {No: "2"}},
			[]AnnexRow{row("附件：重点项目台账", "1"), row("附件：重点项目台账", "2.")},
			[]named{{"", "1"}, {"", "2"}, {"附件：重点项目台账", "1"}, {"附件：重点项目台账", "2"}}},
		{"a table without a title", nil, []AnnexRow{row("", "1"), row("", "2")},
			[]named{{"附件", "1"}, {"附件", "2"}}},
		{"two tables without titles: numbers start again", nil, []AnnexRow{row("", "1"), row("", "2"), row("", "1")},
			[]named{{"附件", "1"}, {"附件", "2"}, {"附件（2）", "1"}}},
		{"two titled tables", nil, []AnnexRow{row("附件1", "1"), row("附件2", "1"), row("附件2", "2")},
			[]named{{"附件1", "1"}, {"附件2", "1"}, {"附件2", "2"}}},
		{"rows without numbers take their place", nil, []AnnexRow{row("表", ""), row("表", "")},
			[]named{{"表", "1"}, {"表", "2"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := &Notice{Tasks: c.body, Annex: c.rows}
			var got []named
			for _, x := range n.LedgerTasks() {
				got = append(got, named{x.Section, x.No})
				if x.Section != "" && !slices.Equal(x.Path, []string{x.Section}) {
					t.Errorf("task %s %s under %v; want its section", x.Section, x.No, x.Path)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v\nwant %v", got, c.want)
			}
			// Folding is what the import stores, and folding twice changes nothing.
			n.FoldAnnex()
			n.FoldAnnex()
			if len(n.Tasks) != len(c.want) || len(n.Annex) != 0 {
				t.Errorf("folded: %d tasks, %d rows", len(n.Tasks), len(n.Annex))
			}
		})
	}
}

func TestLedgerTasksCarryTheRow(t *testing.T) {
	n := &Notice{Annex: []AnnexRow{{Section: "附件", No: "3", Text: "新增就业3.2万人以上。", Leaders: []string{"王健"},
		Lead: []string{"市人社局"}, Support: []string{"各县(市、区)政府"}, Deadline: NewDate(2023, 12, 31), DeadlineText: "年底前", Line: 9}}}
	got := n.LedgerTasks()[0]
	if got.Text != "新增就业3.2万人以上。" || got.Leaders[0] != "王健" || got.Lead[0] != "市人社局" || got.Support[0] != "各县(市、区)政府" ||
		got.Deadline != NewDate(2023, 12, 31) || got.DeadlineText != "年底前" || got.Line != 9 || len(got.Targets) != 1 {
		t.Errorf("task %+v", got)
	}
	if got.Name() != "附件 第 3 项" {
		t.Errorf("named %q", got.Name())
	}
	// the task's lists are its own: editing them leaves the row alone
	got.Lead[0] = "x"
	if n.Annex[0].Lead[0] != "市人社局" {
		t.Error("task shares the row's lists")
	}
}
