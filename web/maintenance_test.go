package web

import (
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// fakeMaintenance answers a fixed status.
type fakeMaintenance struct{ status models.ReindexStatus }

func (f *fakeMaintenance) StartReindex() error                 { return nil }
func (f *fakeMaintenance) ReindexStatus() models.ReindexStatus { return f.status }

// The admin's maintenance box says when the index is being reconciled
// with the database (after an unclean stop, or the hourly check), in the
// page's language, and keeps asking until it is over; it says nothing of
// it otherwise.
func TestTheMaintenanceBoxSaysTheIndexIsReconciling(t *testing.T) {
	acc := &fakeAccounts{users: map[string]*models.User{"admin-token": {ID: "a1", Email: "a@example.com", Name: "管理员", Role: models.RoleAdmin}}}
	m := &fakeMaintenance{status: models.ReindexStatus{Reconciling: true}}
	app := fiber.New()
	w := Register(app, Config{Services: models.Services{Accounts: acc, Taxonomies: fakeTaxonomies{}, Stats: fakeStats{}}, Maintenance: m,
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	app.Use(func(c *fiber.Ctx) error { return w.RenderError(c, models.Errorf(models.CodeNotFound, "no such page")) })
	get := func(lang string) string {
		t.Helper()
		res, body := do(t, app, call{method: "GET", path: "/admin/reindex", headers: map[string]string{"HX-Request": "true"},
			cookies: map[string]string{sessionCookie: "admin-token", langCookie: lang}})
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d\n%s", lang, res.StatusCode, body)
		}
		return body
	}
	for lang, text := range map[string]string{"zh-CN": "搜索索引正在与数据库核对", "en": "The index is being checked against the database"} {
		body := get(lang)
		if !strings.Contains(body, `id="reindex-reconciling"`) || !strings.Contains(body, text) || !strings.Contains(body, `hx-trigger="every 1s"`) {
			t.Errorf("%s, reconciling: the box does not say so, or does not ask again:\n%s", lang, body)
		}
	}
	m.status.Reconciling = false
	if body := get("en"); strings.Contains(body, "reindex-reconciling") || strings.Contains(body, "hx-trigger") {
		t.Errorf("not reconciling, yet the box says so or keeps asking:\n%s", body)
	}
}
