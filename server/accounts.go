package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func clientInfo(c *fiber.Ctx) models.ClientInfo {
	return models.ClientInfo{Addr: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
}

func (s *Server) handleRegister(c *fiber.Ctx) error {
	var in models.RegisterInput
	if err := decode(c, &in); err != nil {
		return err
	}
	auth, err := s.cfg.Accounts.Register(c.UserContext(), in, clientInfo(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(auth)
}

func (s *Server) handleLogin(c *fiber.Ctx) error {
	var in models.LoginInput
	if err := decode(c, &in); err != nil {
		return err
	}
	auth, err := s.cfg.Accounts.Login(c.UserContext(), in, clientInfo(c))
	if err != nil {
		return err
	}
	return c.JSON(auth)
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	token, _ := c.Locals(localToken).(string)
	if err := s.cfg.Accounts.Logout(c.UserContext(), token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) handleMe(c *fiber.Ctx) error {
	u := userOf(c)
	setVersion(c, u.Version)
	return c.JSON(u)
}

func (s *Server) handlePasswordChange(c *fiber.Ctx) error {
	var in models.PasswordChange
	if err := decode(c, &in); err != nil {
		return err
	}
	token, _ := c.Locals(localToken).(string)
	if err := s.cfg.Accounts.ChangePassword(c.UserContext(), userOf(c), token, in, clientInfo(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) handleMeUpdate(c *fiber.Ctx) error {
	var in models.UserUpdate
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := s.cfg.Accounts.UpdateMe(c.UserContext(), userOf(c), in, v)
	if err != nil {
		return err
	}
	setVersion(c, u.Version)
	return c.JSON(u)
}

func (s *Server) handleAdminUserCreate(c *fiber.Ctx) error {
	var in models.NewUserInput
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.cfg.Accounts.CreateUser(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	setVersion(c, u.Version)
	return c.Status(fiber.StatusCreated).JSON(u)
}
