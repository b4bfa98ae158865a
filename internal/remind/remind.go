// Package remind is the reminder scheduler inside `duban serve`: once a
// working day it works out what the rules send (store.PlanRun) and
// queues it idempotently, and all day it claims due deliveries — each by
// one process, for a lease — and sends them by e-mail and robot webhook,
// retrying with back-off.
package remind

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"duban/internal/notify"
	"duban/internal/store"
)

// Config is how the scheduler runs.
type Config struct {
	Every time.Duration // between ticks; 30 s when 0
	Lease time.Duration // a claimed run or delivery; 2 min when 0
	Batch int           // deliveries claimed at once; 50 when 0
	// SMTP, when its Host is set, replaces the admin page's settings (the
	// deployment's flags or environment).
	SMTP   store.SMTPSettings
	Client *http.Client // robots; a 20 s timeout when nil
	Log    *slog.Logger
	// RobotGap is the least time between two messages to one robot: a
	// robot takes 20 a minute, and a flood gets a group muted.
	RobotGap time.Duration
}

// Scheduler runs reminders for one process.
type Scheduler struct {
	st    *store.Store
	cfg   Config
	owner string // this process, in claims
	last  map[int64]time.Time
}

// New makes a scheduler on st.
func New(st *store.Store, cfg Config) *Scheduler {
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 20 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.RobotGap == 0 {
		cfg.RobotGap = 3 * time.Second
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &Scheduler{st: st, cfg: cfg, owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b)), last: map[int64]time.Time{}}
}

// Run ticks until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick makes today's run if no process has, then sends what is due.
func (s *Scheduler) Tick(ctx context.Context) error {
	rs, err := s.st.RemindSettings(ctx)
	if err != nil {
		return err
	}
	if rs.Off {
		return nil
	}
	if err := s.runDay(ctx, rs); err != nil {
		return fmt.Errorf("today's run: %w", err)
	}
	return s.Deliver(ctx)
}

func (s *Scheduler) runDay(ctx context.Context, rs store.RemindSettings) error {
	cal, err := rs.Cal()
	if err != nil {
		return err
	}
	today := s.st.Today()
	if !cal.Workday(today) {
		return nil
	}
	ok, err := s.st.ClaimRun(ctx, today, s.owner, s.cfg.Lease)
	if err != nil || !ok {
		return err
	}
	run, err := s.st.PlanRun(ctx, rs, today)
	if err != nil {
		return err
	}
	sendAt := notify.NextSendTime(rs.Rules, cal, s.st.Now())
	added, err := s.st.Enqueue(ctx, run, rs.BaseURL, sendAt, nil)
	if err != nil {
		return err
	}
	s.cfg.Log.Info("reminders queued", "day", today.String(), "units", len(run.Units), "items", run.Items, "deliveries", added,
		"send_at", sendAt.Format(time.DateTime))
	return s.st.FinishRun(ctx, today, s.owner, run.Items, added)
}

// Deliver sends every delivery due now, batch by batch.
func (s *Scheduler) Deliver(ctx context.Context) error {
	for ctx.Err() == nil {
		ds, err := s.st.Claim(ctx, s.owner, s.cfg.Batch, s.cfg.Lease)
		if err != nil || len(ds) == 0 {
			return err
		}
		for _, d := range ds {
			if err := s.deliver(ctx, d); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

func (s *Scheduler) deliver(ctx context.Context, d *store.Delivery) error {
	c, err := s.st.Contact(ctx, d.ContactID)
	if errors.Is(err, store.ErrNotFound) {
		return s.st.Failed(ctx, d, s.owner, "联系方式已删除", 0)
	}
	if err != nil {
		return err
	}
	sender, err := s.Sender(ctx, c)
	if err != nil {
		return s.st.Failed(ctx, d, s.owner, err.Error(), 0)
	}
	if c.Channel != store.ChannelEmail {
		if wait := s.cfg.RobotGap - time.Since(s.last[c.ID]); wait > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		s.last[c.ID] = time.Now()
	}
	msg := d.Digest.MessageFor(sender)
	msg.To = []string{c.Address}
	err = sender.Send(ctx, msg)
	if err == nil {
		s.cfg.Log.Info("reminder sent", "delivery", d.ID, "unit", d.UnitID, "channel", d.Channel, "to", d.ShownTo, "attempt", d.Attempts)
		return s.st.Delivered(ctx, d, s.owner)
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease hands it to another process
	}
	retry, again := notify.Retry(err, d.Attempts)
	if !again {
		retry = 0
	}
	s.cfg.Log.Warn("reminder not sent", "delivery", d.ID, "unit", d.UnitID, "channel", d.Channel, "to", d.ShownTo, "attempt", d.Attempts,
		"retry_in", retry.String(), "err", err.Error())
	return s.st.Failed(ctx, d, s.owner, err.Error(), retry)
}

// Sender is what sends to contact c: its robot, or the mail server.
func (s *Scheduler) Sender(ctx context.Context, c *store.Contact) (notify.Sender, error) {
	switch c.Channel {
	case store.ChannelDingTalk:
		return &notify.DingTalk{URL: c.Address, Secret: c.Secret, Client: s.cfg.Client, Now: s.st.Now}, nil
	case store.ChannelWeCom:
		return &notify.WeCom{URL: c.Address, Client: s.cfg.Client}, nil
	case store.ChannelEmail:
		cfg, err := s.SMTP(ctx)
		if err != nil {
			return nil, err
		}
		if cfg.Host == "" {
			return nil, errors.New("未设置邮件服务器（SMTP），无法发送电子邮件")
		}
		return &notify.SMTP{Config: cfg.Config(), Now: s.st.Now}, nil
	}
	return nil, fmt.Errorf("未知的联系方式 %q", c.Channel)
}

// SMTP is the mail server in force: the deployment's, else the admin page's.
func (s *Scheduler) SMTP(ctx context.Context) (store.SMTPSettings, error) {
	if s.cfg.SMTP.Host != "" {
		return s.cfg.SMTP, nil
	}
	return s.st.SMTPSettings(ctx)
}

// Test sends a test message to contact c at once, outside any queue, so
// the office sees whether its settings work.
func (s *Scheduler) Test(ctx context.Context, c *store.Contact, unitName string) error {
	sender, err := s.Sender(ctx, c)
	if err != nil {
		return err
	}
	rs, err := s.st.RemindSettings(ctx)
	if err != nil {
		return err
	}
	d := notify.Digest{UnitName: unitName, BaseURL: rs.BaseURL, Today: s.st.Today()}
	msg := d.MessageFor(sender)
	msg.Title = "【督办系统】测试消息"
	msg.Markdown = "#### 督办系统测试消息\n\n" + unitName + "：这是一条测试消息，收到即说明督办提醒可以送达本群。"
	msg.Text = unitName + "：这是督办系统的一条测试消息，收到即说明督办提醒可以送达本邮箱。"
	msg.HTML = ""
	msg.To = []string{c.Address}
	if err := sender.Send(ctx, msg); err != nil {
		return err
	}
	return nil
}
