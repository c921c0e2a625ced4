package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// Media implements models.MediaService: images uploaded, made safe by the
// ImageProcessor, kept in the BlobStore, and served with the visibility of
// the object that names them.
type Media struct{ Deps }

var _ models.MediaService = (*Media)(nil)

// NewMedia returns the media service.
func NewMedia(d Deps) *Media { d.defaults(); return &Media{d} }

// orphanAge is how long an upload that nothing names is kept: long enough
// to finish the form it was uploaded from.
const orphanAge = 24 * time.Hour

func noMedium() error { return models.Errorf(models.CodeNotFound, "no such image") }

// Upload implements models.MediaService.
func (s *Media) Upload(ctx context.Context, actor *models.User, purpose string, r io.Reader) (*models.Medium, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if purpose == "" {
		purpose = models.PurposeWork
	}
	if !slices.Contains(models.MediaPurposes, purpose) {
		return nil, models.FieldProblem(models.CodeValidation, "purpose", models.RuleOneOf, strings.Join(models.MediaPurposes, ", "),
			"must be one of: "+strings.Join(models.MediaPurposes, ", "))
	}
	m := &models.Medium{OwnerID: actor.ID, Purpose: purpose}
	switch purpose {
	case models.PurposeWork, models.PurposeAvatar:
		if err := models.Permit(actor, models.ActCreateProfile); err != nil {
			return nil, err
		}
	case models.PurposeLogo:
		// Only who may set the logo (SetLogo: a manager) uploads one.
		if err := models.Permit(actor, models.ActActForOrg); err != nil {
			return nil, err
		}
		o, err := authorized(ctx, actor, models.ActManageMembers, s.Store.Org, actor.OrgID)
		if err != nil {
			return nil, err
		}
		m.OrgID = o.ID
	case models.PurposeCover:
		o, err := s.memberOrg(ctx, actor, models.ActPostProject, "upload project covers")
		if err != nil {
			return nil, err
		}
		m.OrgID = o.ID
	}
	if s.Images == nil || s.Blobs == nil {
		return nil, models.Errorf(models.CodeUnavailable, "image uploads are not available")
	}
	img, err := s.Images.Process(ctx, r)
	if err != nil {
		return nil, err
	}
	m.ContentType, m.Width, m.Height, m.ThumbWidth, m.ThumbHeight = img.ContentType, img.Width, img.Height, img.ThumbWidth, img.ThumbHeight
	m.Bytes = int64(len(img.Large) + len(img.Thumb))
	nonce := make([]byte, 16)
	rand.Read(nonce)
	m.LargeKey, m.ThumbKey = blobKey(nonce, img.Large), blobKey(nonce, img.Thumb)
	for _, b := range []struct {
		key  string
		data []byte
	}{{m.LargeKey, img.Large}, {m.ThumbKey, img.Thumb}} {
		if err := s.Blobs.Put(ctx, b.key, b.data); err != nil {
			s.dropBlobs(context.WithoutCancel(ctx), m) // the size already written
			return nil, err
		}
	}
	if err := s.Store.CreateMedium(ctx, m); err != nil {
		s.dropBlobs(context.WithoutCancel(ctx), m)
		return nil, err
	}
	return m, nil
}

// blobKey names a blob by a hash of its upload's nonce and its bytes:
// every upload has blobs of its own, so removing one medium deletes its
// blobs at once, without asking which other media share them (none does),
// and a key never names other bytes.
func blobKey(nonce, data []byte) string {
	h := sha256.New()
	h.Write(nonce)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// Delete implements models.MediaService.
func (s *Media) Delete(ctx context.Context, actor *models.User, id string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	m, err := s.Store.Medium(ctx, id)
	if err != nil {
		return err
	}
	if m.OwnerID != actor.ID {
		return noMedium()
	}
	if named, err := s.named(ctx, m); err != nil {
		return err
	} else if named {
		return models.Errorf(models.CodeConflict, "the image is in use; remove it from where it is shown first")
	}
	return s.removeMedium(ctx, m)
}

// Mine implements models.MediaService.
func (s *Media) Mine(ctx context.Context, actor *models.User) ([]*models.Medium, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	return s.Store.OwnerMedia(ctx, actor.ID)
}

// Open implements models.MediaService.
func (s *Media) Open(ctx context.Context, actor *models.User, id, size string) (*models.Medium, []byte, error) {
	m, err := s.Store.Medium(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	key := m.Key(size)
	if key == "" {
		return nil, nil, noMedium()
	}
	if ok, err := s.visible(ctx, actor, m); err != nil {
		return nil, nil, err
	} else if !ok {
		return nil, nil, noMedium()
	}
	if s.Blobs == nil {
		return nil, nil, models.Errorf(models.CodeUnavailable, "images are not available")
	}
	data, err := s.Blobs.Get(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	return m, data, nil
}

// visible says whether actor may see m: its owner always; anyone else
// when the object it is attached to still names it and they may read
// that object.
func (s *Media) visible(ctx context.Context, actor *models.User, m *models.Medium) (bool, error) {
	if actor != nil && actor.ID == m.OwnerID {
		return true, nil
	}
	res, named, err := s.user(ctx, m)
	if err != nil || !named {
		return false, err
	}
	return models.Authorize(actor, models.ActRead, res) == nil, nil
}

// named says whether the object m is attached to still names it.
func (d *Deps) named(ctx context.Context, m *models.Medium) (bool, error) {
	_, named, err := d.user(ctx, m)
	return named, err
}

// user reads the object m is attached to: its resource, and whether it
// still names m.
func (d *Deps) user(ctx context.Context, m *models.Medium) (models.Resource, bool, error) {
	kind, id, ok := strings.Cut(m.AttachedTo, "/")
	if !ok {
		return models.Resource{}, false, nil
	}
	var (
		res   models.Resource
		names bool
		err   error
	)
	switch models.Kind(kind) {
	case models.KindTalent:
		var t *models.Talent
		if t, err = d.Store.Talent(ctx, id); err == nil {
			res, names = t.Resource(), slices.Contains(t.MediaIDs(), m.ID)
		}
	case models.KindOrg:
		var o *models.Org
		if o, err = d.Store.Org(ctx, id); err == nil {
			res, names = o.Resource(), o.LogoID == m.ID
		}
	case models.KindProject:
		var p *models.Project
		if p, err = d.Store.Project(ctx, id); err == nil {
			res, names = p.Resource(), p.CoverID == m.ID
		}
	}
	if models.IsCode(err, models.CodeNotFound) {
		return models.Resource{}, false, nil
	}
	return res, names, err
}

// mediaChange is what a write of an object does to the media it names:
// the ids it adds (with the purpose each must have been uploaded for) and
// those it drops.
type mediaChange struct {
	use     string
	added   map[string]string // id → purpose
	dropped []string
}

// mediaDiff compares the media an object names before and after a write.
// want gives each id named after the write the purpose it must have.
func mediaDiff(use string, before []string, after map[string]string) mediaChange {
	c := mediaChange{use: use, added: map[string]string{}}
	for id, purpose := range after {
		if !slices.Contains(before, id) {
			c.added[id] = purpose
		}
	}
	for _, id := range before {
		if _, ok := after[id]; !ok {
			c.dropped = append(c.dropped, id)
		}
	}
	slices.Sort(c.dropped)
	return c
}

// checkMedia refuses a write that names media the writer may not use: an
// id that is not one of the writer's own uploads for that purpose, or an
// upload another object names. Media the object named already stay.
// field is the name of the field in the error.
func (d *Deps) checkMedia(ctx context.Context, actor *models.User, c mediaChange, field func(id string) string) error {
	ids := make([]string, 0, len(c.added))
	for id := range c.added {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m, err := d.Store.Medium(ctx, id)
		if models.IsCode(err, models.CodeNotFound) || err == nil && m.OwnerID != actor.ID {
			return models.FieldProblem(models.CodeValidation, field(id), models.RuleNoSuch, "", "must be an image you uploaded")
		}
		if err != nil {
			return err
		}
		if m.Purpose != c.added[id] {
			return models.FieldProblem(models.CodeValidation, field(id), models.RuleNoSuch, "",
				"must be an image uploaded for this use ("+c.added[id]+"), not for "+m.Purpose)
		}
		if m.AttachedTo != "" && m.AttachedTo != c.use {
			if named, err := d.named(ctx, m); err != nil {
				return err
			} else if named {
				return models.FieldProblem(models.CodeValidation, field(id), models.RuleNoSuch, "", "is an image shown elsewhere already")
			}
		}
	}
	return nil
}

// attachMedia marks the added media as the object's before the object is
// written, so that a medium an object names is never taken for an orphan;
// if the write then fails, the marks name an object that does not name
// them, which serves them to nobody but their owner (and detachMedia takes
// them back).
func (d *Deps) attachMedia(ctx context.Context, c mediaChange) error {
	for id := range c.added {
		if err := d.Store.AttachMedium(ctx, id, c.use); err != nil {
			return err
		}
	}
	return nil
}

// detachMedia undoes attachMedia after a write that failed.
func (d *Deps) detachMedia(ctx context.Context, c mediaChange) {
	for id := range c.added {
		if err := d.Store.AttachMedium(context.WithoutCancel(ctx), id, ""); err != nil && !models.IsCode(err, models.CodeNotFound) {
			d.Logger.WarnContext(ctx, "media: an image stays marked for an object that does not show it", "medium_id", id, "error", err)
		}
	}
}

// dropMedia removes the media a write stopped naming: an image taken off a
// work is gone, as its owner expects.
func (d *Deps) dropMedia(ctx context.Context, c mediaChange) {
	for _, id := range c.dropped {
		m, err := d.Store.Medium(ctx, id)
		if err == nil {
			err = d.removeMedium(ctx, m)
		}
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			d.Logger.WarnContext(ctx, "media: an image no longer shown was not removed", "medium_id", id, "error", err)
		}
	}
}

// withMedia runs write between attaching the media it adds and dropping
// those it removes.
func withMedia[T any](ctx context.Context, d *Deps, c mediaChange, write func() (T, error)) (T, error) {
	if err := d.attachMedia(ctx, c); err != nil {
		var zero T
		d.detachMedia(ctx, c)
		return zero, err
	}
	v, err := write()
	if err != nil {
		d.detachMedia(ctx, c)
		return v, err
	}
	d.dropMedia(ctx, c)
	return v, nil
}

// removeMedium deletes a medium's record and then its blobs.
func (d *Deps) removeMedium(ctx context.Context, m *models.Medium) error {
	if err := d.Store.DeleteMedium(ctx, m); err != nil {
		return err
	}
	d.dropBlobs(ctx, m)
	return nil
}

// dropBlobs deletes m's blobs (its own: see blobKey).
func (d *Deps) dropBlobs(ctx context.Context, m *models.Medium) {
	if d.Blobs == nil {
		return
	}
	for _, key := range []string{m.LargeKey, m.ThumbKey} {
		if err := d.Blobs.Delete(ctx, key); err != nil {
			d.Logger.WarnContext(ctx, "media: a blob was not deleted", "medium_id", m.ID, "error", err)
		}
	}
}

// eraseMedia removes every medium an account uploaded (an erasure or the
// account's deletion).
func (d *Deps) eraseMedia(ctx context.Context, ownerID string) error {
	ms, err := d.Store.OwnerMedia(ctx, ownerID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := d.removeMedium(ctx, m); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	return nil
}

// SweepOrphans removes the uploads that nothing named within a day, and
// says how many it removed.
func (s *Media) SweepOrphans(ctx context.Context) (int, error) {
	ms, err := s.Store.UnattachedMedia(ctx, s.now().Add(-orphanAge), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if err := s.removeMedium(ctx, m); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// strayAge is how old a blob that no medium names must be before the sweep
// removes it. An upload writes its blobs, then its record, within its
// request's deadline (seconds), so a younger blob may be one whose record
// is on its way.
const strayAge = time.Hour

// SweepStrayBlobs removes the bytes that no medium names: those an upload
// wrote before a crash kept its record from being written, and those whose
// delete failed after their record was removed (an erasure, a removal, the
// orphan sweep). Without it an erased person's images could stay on disk
// for ever, served to no one but kept. It says how many it removed.
//
// The keys of every medium are read first, then the blobs: a blob older
// than strayAge that the first pass did not name cannot gain a record
// afterwards. On MongoDB every process may sweep; deletes of a missing
// blob are no-ops.
func (s *Media) SweepStrayBlobs(ctx context.Context) (int, error) {
	if s.Blobs == nil {
		return 0, nil
	}
	named := map[string]struct{}{}
	if err := s.Store.MediaKeys(ctx, func(key string) error {
		named[key] = struct{}{}
		return nil
	}); err != nil {
		return 0, err
	}
	// Blob times are a file's modification time or a GridFS uploadDate
	// (the writing host's clock): a host whose clock is more than strayAge
	// ahead of another's would take that one's uploads in flight for strays.
	before := s.now().Add(-strayAge)
	var stray []string
	if err := s.Blobs.Keys(ctx, func(key string, stored time.Time) error {
		if _, ok := named[key]; !ok && stored.Before(before) {
			stray = append(stray, key)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, key := range stray {
		if err := s.Blobs.Delete(ctx, key); err != nil {
			return n, err
		}
		n++
	}
	if t, ok := s.Blobs.(interface {
		RemoveTemporaries(ctx context.Context, before time.Time) (int, error)
	}); ok {
		m, err := t.RemoveTemporaries(ctx, before)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
