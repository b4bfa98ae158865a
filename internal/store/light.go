package store

import "context"

// invalidateLights forgets the stored lights of tasks whose plan, reports,
// periods or fields just changed, in the transaction that changed them:
// the next page that needs them computes them again, so a light is never
// older than its inputs and no page view scans every report.
func invalidateLights(ctx context.Context, x q, taskIDs ...int64) error {
	for len(taskIDs) > 0 {
		n := min(len(taskIDs), 500)
		args := make([]any, n)
		for i, id := range taskIDs[:n] {
			args[i] = id
		}
		if _, err := x.exec(ctx, "DELETE FROM task_lights WHERE task_id IN ("+placeholders(n)+")", args...); err != nil {
			return err
		}
		taskIDs = taskIDs[n:]
	}
	return nil
}

// invalidateNoticeLights forgets the lights of every task of a notice, for
// a change to its periods or its pace tolerance.
func invalidateNoticeLights(ctx context.Context, x q, noticeID int64) error {
	_, err := x.exec(ctx, "DELETE FROM task_lights WHERE notice_id = ?", noticeID)
	return err
}
