// Package web is talenthub's browser UI: page handlers, html/template files
// and static assets, embedded with go:embed. It calls the same models
// services as the API, never the API over HTTP.
//
// For now it serves a placeholder home page; the pages come with the web
// issue.
package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

//go:embed home.html
var homePage []byte

// Register mounts the UI's routes on app.
func Register(app *fiber.App) {
	app.Get("/", func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
		c.Type("html", "utf-8")
		return c.Send(homePage)
	})
}
