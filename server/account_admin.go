package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// accepted is the answer to a request whose mail, if any, goes out later.
type accepted struct {
	Message string `json:"message"`
}

func (s *Server) handlePasswordResetRequest(c *fiber.Ctx) error {
	var in models.PasswordResetRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.cfg.Accounts.RequestPasswordReset(c.UserContext(), in, clientInfo(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(accepted{"if an account has this address, a link to reset its password is on its way"})
}

func (s *Server) handlePasswordResetConfirm(c *fiber.Ctx) error {
	var in models.PasswordResetConfirm
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.cfg.Accounts.ConfirmPasswordReset(c.UserContext(), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) handleVerifyEmail(c *fiber.Ctx) error {
	var in models.EmailVerification
	if err := decode(c, &in); err != nil {
		return err
	}
	if _, err := s.cfg.Accounts.VerifyEmail(c.UserContext(), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) handleVerifyEmailResend(c *fiber.Ctx) error {
	if err := s.cfg.Accounts.ResendVerification(c.UserContext(), userOf(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(accepted{"a new verification link is on its way"})
}

var userRoles = []string{string(models.RoleCreator), string(models.RoleOrg), string(models.RoleBureau), string(models.RoleAdmin)}

func (s *Server) handleAdminUserList(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "role")
	f := models.UserFilter{Q: q.text("q", 200), Page: q.page()}
	roles := q.enum("role", userRoles...)
	if err := q.err(); err != nil {
		return err
	}
	if len(roles) > 1 {
		return models.Errorf(models.CodeBadRequest, "role takes one role")
	}
	if len(roles) == 1 {
		f.Role = models.Role(roles[0])
	}
	list, err := s.cfg.Accounts.ListUsers(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleAdminUserUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.UserAdminUpdate
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.cfg.Accounts.AdminUpdateUser(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, u.Version)
	return c.JSON(u)
}

func (s *Server) handleAdminPasswordReset(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Accounts.AdminPasswordReset(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(accepted{"a link to reset the password is on its way to the account's address"})
}
