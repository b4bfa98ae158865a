package ledger

// Lights are the light states in the order pages list them.
var Lights = []LightState{LightOverdue, LightLagging, LightOnPace, LightAhead, LightNotStarted, LightClosed}

// ParseLight reads a light as URLs and the API write it ("overdue").
func ParseLight(s string) (LightState, bool) {
	for _, l := range Lights {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}
