package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Actor is who makes a change, as the audit log names them.
type Actor struct {
	UserID int64 // 0 for the command line
	Name   string
}

// Actor is u as the audit log names it.
func (u *User) Actor() Actor {
	name := u.Name
	if name == "" {
		name = u.Login
	}
	return Actor{UserID: u.ID, Name: name}
}

// CLI is the actor of `duban import` and other commands.
var CLI = Actor{Name: "命令行"}

// Migration is the actor of a schema migration's data step.
var Migration = Actor{Name: "数据库升级"}

// Entities and actions the audit log records.
const (
	EntityTask   = "task"
	EntityNotice = "notice"
	EntityUnit   = "unit"
	EntityUser   = "user"

	ActionImport = "import"
	ActionUpdate = "update"
	ActionMerge  = "merge"
	ActionGroup  = "members"
	ActionCreate = "create"
	// ActionAnnexTasks is migration 0002 making a notice's annex rows tasks.
	ActionAnnexTasks = "annex_tasks"

	// The year of supervision: an entry's entity_id is the plan's, the
	// report's or the period's id, and after_json holds the whole plan or
	// report as it then stood (with its task_id), so that the task page's
	// timeline can show each text as it was submitted.
	EntityPlan   = "plan"
	EntityReport = "report"
	EntityPeriod = "period"
	// A circular's entries hold its head fields and state; the text is
	// in the circular itself, frozen once issued.
	EntityCircular = "circular"
	// Reminders: contacts (their addresses masked), deliveries resent,
	// settings changed (named, never their values), urging by hand.
	EntityContact  = "contact"
	EntityDelivery = "delivery"
	EntitySetting  = "setting"
	ActionResend   = "resend"
	ActionUrge     = "urge"
	ActionIssue    = "issue"
	ActionWithdraw = "withdraw"
	ActionRedraft  = "redraft"

	ActionSubmit = "submit" // a unit submits a plan or report (again, after a return)
	ActionReturn = "return" // the office returns it with a comment
	ActionAccept = "accept" // the office accepts it; a report asking to close closes the task
	ActionDelete = "delete"
	ActionClose  = "close"  // the task is closed (已办结) by an accepted report
	ActionAttach = "attach" // a file added to a report
)

// AuditEntry is one change: who, when, the values before and after.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	UserName string
	Entity   string
	EntityID int64
	Action   string
	Before   json.RawMessage
	After    json.RawMessage
}

func writeAudit(ctx context.Context, x q, now time.Time, by Actor, entity string, id int64, action string, before, after any) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	var uid any
	if by.UserID != 0 {
		uid = by.UserID
	}
	_, err = x.exec(ctx, `INSERT INTO audit (created_at, user_id, user_name, entity, entity_id, action, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, unix(now), uid, by.Name, entity, id, action, string(b), string(a))
	if err != nil {
		return fmt.Errorf("audit %s %d: %w", entity, id, err)
	}
	return nil
}

// History is the audit log of one entity, oldest first.
func (s *Store) History(ctx context.Context, entity string, id int64) ([]AuditEntry, error) {
	rows, err := s.r().query(ctx, `SELECT id, created_at, COALESCE(user_id, 0), user_name, entity, entity_id, action, before_json, after_json
		FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id)
	if err != nil {
		return nil, fmt.Errorf("history %s %d: %w", entity, id, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		var b, a string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Entity, &e.EntityID, &e.Action, &b, &a); err != nil {
			return nil, err
		}
		e.At, e.Before, e.After = fromUnix(at), json.RawMessage(b), json.RawMessage(a)
		out = append(out, e)
	}
	return out, rows.Err()
}
