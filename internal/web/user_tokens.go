package web

import (
	"fmt"
	"net/http"
	"strconv"

	"duban/internal/store"
)

// An administrator sees and revokes any account's API tokens, and can
// disable an account: its sessions end and its tokens stop at once.

// userTokensPage is one account's API tokens, for an administrator.
type userTokensPage struct {
	Base
	Account *store.User
	Tokens  []store.APIToken
}

func userTokensHref(id int64) string { return fmt.Sprintf("/users/%d/tokens", id) }

func (s *Server) userTokens(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	ts, err := s.store.APITokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "user_tokens", &userTokensPage{Base: s.base(w, r, "API 令牌："+u.Login), Account: u, Tokens: ts})
}

func (s *Server) userTokenDelete(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	if err := s.store.DeleteAPIToken(r.Context(), u.ID, id); err != nil {
		return err
	}
	s.log.Info("token revoked", "account", u.Login, "token", id, "by", userFrom(r).Login)
	return s.redirect(w, r, userTokensHref(u.ID), "已撤销账号"+zhQuoted(u.Login)+"的一个 API 令牌。")
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, true)
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	u, err := s.pathUser(r)
	if err != nil {
		return err
	}
	if disabled && u.ID == userFrom(r).ID {
		return badRequest("不能停用自己正在使用的账号。")
	}
	if err := s.store.SetDisabled(r.Context(), u.ID, disabled); err != nil {
		return err
	}
	s.log.Info("account disabled", "account", u.Login, "disabled", disabled, "by", userFrom(r).Login)
	if disabled {
		return s.redirect(w, r, "/users", "已停用账号"+zhQuoted(u.Login)+"：其登录已全部退出，API 令牌已停止使用。")
	}
	return s.redirect(w, r, "/users", "已启用账号"+zhQuoted(u.Login)+"。")
}
