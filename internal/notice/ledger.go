package notice

import (
	"fmt"
	"strconv"
	"strings"
)

// AnnexSection is the section of an annex row whose table has no title.
const AnnexSection = "附件"

// LedgerTasks is every item the notice assigns, as the ledger keeps them:
// the body's tasks, then each row of its attached tables as a task filed
// under the table's section. Within a notice a task is named by its
// section and number, so a table whose section is already taken (two
// tables without a title, or a table whose numbers start again) gets its
// position appended: 附件, 附件（2）.
func (n *Notice) LedgerTasks() []Task {
	out := make([]Task, 0, len(n.Tasks)+len(n.Annex))
	out = append(out, n.Tasks...)
	used := map[string]bool{}
	for _, t := range n.Tasks {
		used[t.Section] = true
	}
	var (
		raw     = "\x00" // the current table's section as the parser gave it
		section string
		numbers map[string]bool
		tables  int
	)
	for _, r := range n.Annex {
		no := strings.TrimRight(strings.TrimSpace(r.No), ".、．")
		rs := strings.TrimSpace(r.Section)
		if rs != raw || no != "" && numbers[no] {
			raw, numbers, tables = rs, map[string]bool{}, tables+1
			section = rs
			if section == "" {
				section = AnnexSection
			}
			if used[section] {
				section = fmt.Sprintf("%s（%d）", section, tables)
			}
			used[section] = true
		}
		if no == "" {
			no = strconv.Itoa(len(numbers) + 1)
		}
		numbers[no] = true
		out = append(out, Task{
			Section: section, No: no, Path: []string{section}, Text: r.Text,
			Lead: clone(r.Lead), Support: clone(r.Support), Responsible: []string{}, Leaders: clone(r.Leaders),
			Deadline: r.Deadline, DeadlineText: r.DeadlineText, Targets: findTargets(r.Text), Line: r.Line,
		})
	}
	return out
}

// Name is how a person names the task: 第 3 项, or for a row of an
// attached table, the table and its number, which may repeat the body's.
func (t *Task) Name() string {
	if t.Section == "" {
		return "第 " + t.No + " 项"
	}
	return t.Section + " 第 " + t.No + " 项"
}

// FoldAnnex turns the annex rows into tasks (LedgerTasks), as the import
// stores them, so that the office checks and corrects them like any task.
func (n *Notice) FoldAnnex() {
	if len(n.Annex) == 0 {
		return
	}
	n.Tasks, n.Annex = n.LedgerTasks(), []AnnexRow{}
}

func clone(s []string) []string {
	return append([]string{}, s...)
}
