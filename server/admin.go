package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleAuditList(c *fiber.Ctx) error {
	q := parseQuery(c, "action", "resource_type", "resource_id", "actor_id")
	f := models.AuditFilter{Action: q.list("action"), ResourceType: q.list("resource_type"), ResourceID: q.list("resource_id"),
		ActorID: q.list("actor_id"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Audit.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleTaxonomyGet(c *fiber.Ctx) error {
	t, err := s.cfg.Taxonomies.Get(c.UserContext())
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

func (s *Server) handleTaxonomyReplace(c *fiber.Ctx) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in taxonomyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.cfg.Taxonomies.Replace(c.UserContext(), userOf(c), in.taxonomy(), version)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

// taxonomyInput is the body of PUT /taxonomies: the vocabularies without
// the server-owned version and time.
type taxonomyInput struct {
	Industries    []models.Term `json:"industries"`
	Districts     []models.Term `json:"districts"`
	BusinessForms []models.Term `json:"business_forms"`
	BaseKinds     []models.Term `json:"base_kinds"`
	OrgKinds      []models.Term `json:"org_kinds"`
	OrgFlags      []models.Term `json:"org_flags"`
	ProjectKinds  []models.Term `json:"project_kinds"`
	Origins       []models.Term `json:"origins"`
	Levels        []models.Term `json:"levels"`
}

func (in taxonomyInput) taxonomy() models.Taxonomy {
	return models.Taxonomy{Industries: in.Industries, Districts: in.Districts, BusinessForms: in.BusinessForms,
		BaseKinds: in.BaseKinds, OrgKinds: in.OrgKinds, OrgFlags: in.OrgFlags, ProjectKinds: in.ProjectKinds,
		Origins: in.Origins, Levels: in.Levels}
}

func (s *Server) handleAccountDelete(c *fiber.Ctx) error {
	if err := s.cfg.Talents.DeleteAccount(c.UserContext(), userOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// reindexStatusURL is where the progress of a rebuild is read.
const reindexStatusURL = "/api/v1/admin/reindex"

// reindexAnswer is the progress of a rebuild and where to poll it.
type reindexAnswer struct {
	models.ReindexStatus
	StatusURL string `json:"status_url"`
}

// handleReindexStart starts a rebuild of the search index in the
// background: 202 with where to follow it, or 409 while one runs.
func (s *Server) handleReindexStart(c *fiber.Ctx) error {
	if s.cfg.Maintenance == nil {
		return models.Errorf(models.CodeUnavailable, "rebuilding the index is not available here")
	}
	if err := s.cfg.Maintenance.StartReindex(); err != nil {
		return err
	}
	c.Location(reindexStatusURL)
	return c.Status(fiber.StatusAccepted).JSON(reindexAnswer{s.cfg.Maintenance.ReindexStatus(), reindexStatusURL})
}

func (s *Server) handleReindexStatus(c *fiber.Ctx) error {
	if s.cfg.Maintenance == nil {
		return models.Errorf(models.CodeUnavailable, "rebuilding the index is not available here")
	}
	return c.JSON(reindexAnswer{s.cfg.Maintenance.ReindexStatus(), reindexStatusURL})
}

// vocabulary is the review of mined synonyms, or an unavailable error
// where no index mines them.
func (s *Server) vocabulary() (models.Vocabulary, error) {
	if s.cfg.Vocabulary == nil {
		return nil, models.Errorf(models.CodeUnavailable, "the vocabulary review is not available here")
	}
	return s.cfg.Vocabulary, nil
}

// handleSynonymReview answers the synonym pairs mined from bilingual
// profiles and not yet decided, with the decided ones.
func (s *Server) handleSynonymReview(c *fiber.Ctx) error {
	v, err := s.vocabulary()
	if err != nil {
		return err
	}
	r, err := v.SynonymReview(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// handleSynonymDecide accepts or rejects a pair; an accepted pair applies
// to the next search.
func (s *Server) handleSynonymDecide(c *fiber.Ctx) error {
	v, err := s.vocabulary()
	if err != nil {
		return err
	}
	var in models.SynonymDecision
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := v.DecideSynonym(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
