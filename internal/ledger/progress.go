package ledger

// ProgressCell is what the ledger shows of a task for one period: the
// percent its owner reported, its light (on the period's due date once
// past, today's for the current one) and the report's progress, shortened.
type ProgressCell struct {
	Percent *int
	Light   LightState
	Summary string
}
