package store_test

import (
	"errors"
	"testing"

	"duban/internal/store"
	"duban/internal/store/testdb"
)

// TestMarkDemo: a database becomes a demo only while empty, and stays one;
// a database with a real account or notice is refused.
func TestMarkDemo(t *testing.T) {
	t.Run("empty", func(t *testing.T) { testdb.Each(t, markDemoEmpty) })
	t.Run("account", func(t *testing.T) { testdb.Each(t, markDemoAccount) })
	t.Run("notice", func(t *testing.T) { testdb.Each(t, markDemoNotice) })
}

func markDemoEmpty(t *testing.T, s *store.Store) {
	if err := s.MarkDemo(ctx); err != nil {
		t.Fatalf("empty database: %v", err)
	}
	if _, err := s.CreateUser(ctx, store.NewUser{Login: "admin", Name: "管理员", Role: store.RoleAdmin, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDemo(ctx); err != nil {
		t.Errorf("a demo database with its accounts: %v", err)
	}
}

func markDemoAccount(t *testing.T, s *store.Store) {
	if _, err := s.CreateUser(ctx, store.NewUser{Login: "admin", Name: "管理员", Role: store.RoleAdmin, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDemo(ctx); !errors.Is(err, store.ErrNotDemo) {
		t.Errorf("a real database with an account: %v, want ErrNotDemo", err)
	}
}

func markDemoNotice(t *testing.T, s *store.Store) {
	if _, err := s.ImportNotice(ctx, small(), "a.txt", office); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDemo(ctx); !errors.Is(err, store.ErrNotDemo) {
		t.Errorf("a real database with a notice: %v, want ErrNotDemo", err)
	}
}

// TestLeaderAccountNeedsATask: the store refuses a leader account for a
// name no task has, whatever creates it (the page, the command line).
func TestLeaderAccountNeedsATask(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.ImportNotice(ctx, small(), "a.txt", office); err != nil {
			t.Fatal(err)
		}
		_, err := s.CreateUser(ctx, store.NewUser{Login: "wang", Name: "王", Role: store.RoleLeader, Leader: "王副省长", PasswordHash: "x"})
		if !errors.Is(err, store.ErrUnknownLeader) {
			t.Errorf("leader with no task: %v, want ErrUnknownLeader", err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Login: "zhang", Name: "张", Role: store.RoleLeader, Leader: "张副省长", PasswordHash: "x"}); err != nil {
			t.Errorf("leader of task 1: %v", err)
		}
	})
}
