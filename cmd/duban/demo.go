package main

import (
	"context"
	"duban/internal/ledger"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"

	"duban"
	"duban/internal/auth"
	"duban/internal/docin"
	"duban/internal/notice"
	"duban/internal/store"
)

// loadDemo imports the seed notices embedded in the binary and creates the
// demo accounts: admin, office, viewer, one per unit (u<unit id>) and one
// per leader (l<n>). What is there already is left alone, so a second
// --demo start adds nothing.
func loadDemo(ctx context.Context, st *store.Store, cfg serveConfig, log *slog.Logger) error {
	seeds, err := fs.Glob(duban.Seeds, "testdata/seeds/*.txt")
	if err != nil || len(seeds) == 0 {
		return fmt.Errorf("no seed notices embedded: %v", err)
	}
	for _, path := range seeds {
		data, err := fs.ReadFile(duban.Seeds, path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		text, err := docin.Read(path, data)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		n, err := notice.Parse(text)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		n.FoldAnnex()
		id, err := st.ImportNotice(ctx, n, filepath.Base(path), store.CLI)
		if errors.Is(err, store.ErrDuplicate) {
			continue
		}
		if err != nil {
			return err
		}
		log.Info("demo notice imported", "file", filepath.Base(path), "notice", id, "tasks", len(n.Tasks))
	}

	pw := demoPassword
	if cfg.AdminPassword != "" {
		pw = cfg.AdminPassword
	}
	// One hash serves every demo account: they share a password anyway,
	// and hashing hundreds of times would hold the start up for seconds.
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	accounts := []store.NewUser{
		{Login: "admin", Name: ledger.AccountRoleLabel(string(store.RoleAdmin)), Role: store.RoleAdmin},
		{Login: "office", Name: ledger.AccountRoleLabel(string(store.RoleOffice)), Role: store.RoleOffice},
		{Login: "viewer", Name: "查看账号", Role: store.RoleViewer},
	}
	units, err := st.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		accounts = append(accounts, store.NewUser{Login: fmt.Sprintf("u%d", u.ID), Name: u.Label, Role: store.RoleUnit, UnitID: u.ID})
	}
	leaders, err := st.Leaders(ctx, ledger.Scope{})
	if err != nil {
		return err
	}
	for i, l := range leaders {
		accounts = append(accounts, store.NewUser{Login: fmt.Sprintf("l%d", i+1), Name: l.Name, Role: store.RoleLeader, Leader: l.Name})
	}
	created := 0
	for _, a := range accounts {
		a.PasswordHash = hash
		_, err := st.CreateUser(ctx, a)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		created++
	}
	log.Info("demo accounts", "created", created, "units", len(units), "leaders", len(leaders))
	return demoYear(ctx, st, log)
}
