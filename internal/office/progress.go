package office

import (
	"fmt"
	"strconv"

	"duban/internal/circular"
	"duban/internal/ledger"

	"github.com/xuri/excelize/v2"
)

// SheetUnits is the progress ledger's summary of units.
const SheetUnits = "单位汇总"

// Progress is what the live ledger adds to its tasks: for each period a
// column group (percent, light, the report's progress), and a summary of
// the units for one period.
type Progress struct {
	Periods []ledger.Period
	Cells   map[int64][]ledger.ProgressCell // by task, one per period
	Units   []circular.Unit                 // ranked, for UnitsOf
	UnitsOf string                          // the period the units are counted for
}

func (p *Progress) columns() []column {
	cols := append([]column(nil), ledgerHeader...)
	for _, per := range p.Periods {
		cols = append(cols, column{per.Label + "进度", 10}, column{per.Label + "状态", 10}, column{per.Label + "进展", 40})
	}
	return cols
}

func (p *Progress) cells(task int64) []string {
	cs := p.Cells[task]
	out := make([]string, 0, 3*len(p.Periods))
	for i := range p.Periods {
		var c ledger.ProgressCell
		if i < len(cs) {
			c = cs[i]
		}
		pct := ""
		if c.Percent != nil {
			pct = strconv.Itoa(*c.Percent) + "%"
		}
		light := ""
		if c.Light != "" {
			light = c.Light.Label()
		}
		out = append(out, pct, light, c.Summary)
	}
	return out
}

var unitsHeader = []column{{"排名", 8}, {"单位", 30}, {"牵头任务", 10}, {"应报", 8}, {"按时", 8}, {"逾期报送", 10}, {"退回", 8}, {"未报", 8},
	{"按时率", 10}, {"已完成", 8}, {"超进度", 8}, {"达进度", 8}, {"欠进度", 8}, {"逾期任务", 10}}

// write adds the units' summary and sets the ledger to print on A3
// landscape (its period columns do not fit A4), the period groups
// collapsible.
func (p *Progress) write(f *excelize.File, st styles) error {
	rows := make([][]string, len(p.Units))
	for i, u := range p.Units {
		rate := "—"
		if u.Due > 0 {
			rate = strconv.FormatFloat(float64(u.OnTime)*100/float64(u.Due), 'f', 1, 64) + "%"
		}
		rows[i] = []string{strconv.Itoa(i + 1), u.Name, strconv.Itoa(u.Tasks), strconv.Itoa(u.Due), strconv.Itoa(u.OnTime), strconv.Itoa(u.Late),
			strconv.Itoa(u.Returned), strconv.Itoa(u.Missing), rate, strconv.Itoa(u.Closed), strconv.Itoa(u.Ahead), strconv.Itoa(u.OnPace),
			strconv.Itoa(u.Lagging), strconv.Itoa(u.Overdue)}
	}
	if _, err := f.NewSheet(SheetUnits); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(unitsHeader))
	if err := mergedLine(f, SheetUnits, 1, last, "各单位报送及任务进展（"+p.UnitsOf+"）；"+circular.RankRule, st.info); err != nil {
		return err
	}
	if err := writeTable(f, st, SheetUnits, 2, unitsHeader, rows); err != nil {
		return fmt.Errorf("单位汇总: %w", err)
	}
	a3, landscape := 8, "landscape"
	if err := f.SetPageLayout(SheetLedger, &excelize.PageLayoutOptions{Size: &a3, Orientation: &landscape}); err != nil {
		return err
	}
	for i := range p.Periods {
		for c := range 3 {
			col, _ := excelize.ColumnNumberToName(len(ledgerHeader) + 3*i + 1 + c)
			if err := f.SetColOutlineLevel(SheetLedger, col, 1); err != nil {
				return err
			}
		}
	}
	return nil
}
