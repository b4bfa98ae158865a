package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"duban/internal/auth"
	"duban/internal/ledger"
	"duban/internal/store"
)

// usersPage is the account administration.
type usersPage struct {
	Base
	Users   []userRow
	Roles   []store.Role
	Units   []*store.Unit // units an account can report for
	Leaders []string      // leader names the notices print, as suggestions
	Form    userForm
	Error   string
	// Done and NewPassword answer a creation or reset whose password was
	// generated: shown once, on this page only.
	Done        string
	NewPassword string
}

type userRow struct {
	*store.User
	Locked bool
}

// userForm is what the admin typed to create an account (never the password).
type userForm struct {
	Login  string
	Name   string
	Role   store.Role
	UnitID int64
	Leader string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) (*usersPage, error) {
	ctx := r.Context()
	us, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	leaders, err := s.store.Leaders(ctx, ledger.Scope{})
	if err != nil {
		return nil, err
	}
	p := &usersPage{Base: s.base(w, r, "账号管理"), Roles: store.Roles, Form: userForm{Role: store.RoleUnit}}
	now := time.Now()
	for _, u := range us {
		p.Users = append(p.Users, userRow{User: u, Locked: u.LockedUntil.After(now)})
	}
	for _, u := range all {
		if !u.IsGroup {
			p.Units = append(p.Units, u)
		}
	}
	for _, l := range leaders {
		p.Leaders = append(p.Leaders, l.Name)
	}
	return p, nil
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.usersPage(w, r)
	if err != nil {
		return err
	}
	f, err := s.takeSecret(r)
	if err != nil {
		return err
	}
	p.Done, p.NewPassword = f.Done, f.Secret
	return s.render(w, r, http.StatusOK, "users", p)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.usersPage(w, r)
	if err != nil {
		return err
	}
	f := userForm{
		Login:  strings.TrimSpace(r.PostFormValue("login")),
		Name:   strings.TrimSpace(r.PostFormValue("name")),
		Role:   store.Role(r.PostFormValue("role")),
		Leader: strings.TrimSpace(r.PostFormValue("leader")),
	}
	f.UnitID, _ = postedID(r, "unit")
	p.Form = f
	pw := r.PostFormValue("password")
	fail := func(code int, msg string) error {
		p.Error = msg
		return s.render(w, r, code, "users", p)
	}
	switch {
	case ledger.AccountProblem(f.Login, f.Name) != "":
		return fail(http.StatusBadRequest, ledger.AccountProblem(f.Login, f.Name))
	case !f.Role.Valid():
		return fail(http.StatusBadRequest, "请选择账号的角色。")
	case f.Role == store.RoleUnit && f.UnitID == 0:
		return fail(http.StatusBadRequest, "责任单位账号须选择所属单位。")
	case f.Role == store.RoleLeader && f.Leader == "":
		return fail(http.StatusBadRequest, "责任领导账号须填写领导姓名，写法与通知中的“责任领导”一致。")
	}
	if f.Role == store.RoleUnit {
		u, err := s.store.Unit(ctx, f.UnitID)
		if errors.Is(err, store.ErrNotFound) {
			return fail(http.StatusBadRequest, "所选单位不存在，可能已被合并，请重新选择。")
		}
		if err != nil {
			return err
		}
		if u.IsGroup {
			return fail(http.StatusBadRequest, zhQuoted(u.Name)+"是单位组，不能作为账号的所属单位；请选择具体单位。")
		}
	} else {
		f.UnitID = 0
	}
	if f.Role != store.RoleLeader {
		f.Leader = ""
	}
	generated := pw == ""
	if generated {
		pw = auth.RandomPassword()
	} else if err := auth.CheckPolicy(pw); err != nil {
		return fail(http.StatusBadRequest, err.Error()+"。")
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	_, err = s.store.CreateUser(ctx, store.NewUser{Login: f.Login, Name: f.Name, Role: f.Role, UnitID: f.UnitID,
		Leader: f.Leader, PasswordHash: hash})
	if errors.Is(err, store.ErrConflict) {
		return fail(http.StatusConflict, "用户名已被使用，请换一个。")
	}
	if errors.Is(err, store.ErrUnknownLeader) {
		return fail(http.StatusBadRequest, "没有任务的责任领导是"+zhQuoted(f.Leader)+"：责任领导账号只能为通知中出现的领导创建，"+
			"请按通知中的写法填写（输入时可从建议中选择）。")
	}
	if err != nil {
		return err
	}
	done := "已创建账号" + zhQuoted(f.Login) + "（" + f.Name + "，" + ledger.AccountRoleLabel(string(f.Role)) + "）。"
	if !generated {
		return s.redirect(w, r, "/users", done)
	}
	return s.showPassword(w, r, done, pw)
}

// showPassword shows a generated password once, on the accounts page the
// form's answer redirects to.
func (s *Server) showPassword(w http.ResponseWriter, r *http.Request, done, pw string) error {
	return s.redirectSecret(w, r, "/users", secretFlash{Done: done, Secret: pw})
}

// pathUser is the account named by the route's {id}.
func (s *Server) pathUser(r *http.Request) (*store.User, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.store.User(r.Context(), id)
}

func (s *Server) userUnlock(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	if err := s.store.Unlock(r.Context(), u.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/users", "已解除账号"+zhQuoted(u.Login)+"的锁定。")
}

func (s *Server) userPasswordReset(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	pw := r.PostFormValue("password")
	generated := pw == ""
	if generated {
		pw = auth.RandomPassword()
	} else if err := auth.CheckPolicy(pw); err != nil {
		p, perr := s.usersPage(w, r)
		if perr != nil {
			return perr
		}
		p.Error = "未能重置" + zhQuoted(u.Login) + "的密码：" + err.Error() + "。"
		return s.render(w, r, http.StatusBadRequest, "users", p)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	// Every session of the account ends, but for the one resetting it if
	// it is the administrator's own: that one must still see the password.
	keep := ""
	if u.ID == userFrom(r).ID {
		keep = sessionFrom(r)
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash, keep); err != nil {
		return err
	}
	done := "已重置账号" + zhQuoted(u.Login) + "的密码，该账号所有已登录的设备均已退出，API 令牌已全部撤销。"
	if !generated {
		return s.redirect(w, r, "/users", done)
	}
	return s.showPassword(w, r, done, pw)
}
