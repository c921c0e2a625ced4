// Package media makes uploaded images safe to serve and keeps their bytes.
//
// NewProcessor's ImageProcessor takes an upload's bytes and returns the two
// served sizes of models.Image, re-encoded by the server. Its rules:
//
//   - Format by content only: the magic bytes at offset 0 must be JPEG,
//     PNG, GIF or WebP; anything else (SVG, HTML, PDF, BMP, TIFF, HEIC…) is
//     refused with CodeUnsupportedMediaType (415).
//   - Polyglots: a file is refused (415) when its first 1024 bytes, or any
//     bytes after the image's own end (JPEG's EOI, PNG's IEND, GIF's
//     trailer, WebP's RIFF size), hold a markup or document marker in any
//     ASCII case: <!doctype <html <head <body <script <iframe <svg <object
//     <embed <style <?php %PDF-. Trailing data without them (a phone's
//     motion-photo video after a JPEG's EOI, a second MPO picture) is
//     allowed and dropped by the re-encoding. Markers are five bytes or more
//     so that compressed data holds one by chance about once per 10^11
//     bytes each. The outputs are always the server's own encodings, so
//     this refusal is a second line, not the first: nothing of an upload's
//     bytes but its pixels is ever served.
//   - Size: more than Limits.MaxBytes is refused with CodeTooLarge (413),
//     reading at most MaxBytes+1 bytes. The dimensions are read from the
//     header before decoding: more than MaxPixels pixels, a side longer
//     than MaxEdge, or a decoding estimated to cost more than
//     MaxDecodeBytes (progressive JPEG and lossless WebP cost several bytes
//     a pixel) is refused with CodeTooLarge without decoding.
//   - A file that is one of the four formats by its magic but does not
//     decode (truncated, corrupt, an animated WebP, an unsupported JPEG
//     feature) is refused with CodeUnsupportedMediaType as well: to the
//     client it is equally "not an image we take".
//   - The image is turned upright by its EXIF orientation (JPEG APP1, PNG
//     eXIf, WebP EXIF), scaled by area averaging to fit LargeEdge, then
//     that to fit ThumbEdge, never upscaled, and encoded anew: JPEG quality
//     85 if every pixel is opaque, else PNG. No metadata survives (EXIF,
//     GPS, XMP, ICC, comments, text chunks). Pixels are taken as decoded
//     and treated as sRGB: an ICC profile is dropped, not applied, so a
//     wide-gamut (Display P3, Adobe RGB) photo looks a little duller.
//   - A GIF gives its first frame.
//
// Memory and time: MaxConcurrent decodings at once (the others wait, or
// give up with their context); a decoding is one call of the format's
// decoder, bounded by the pixel and cost limits and checked against the
// context before and after; the scaling checks the context as it goes.
package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/szdc/talenthub/models"
)

// Limits bound what a Processor accepts and what it spends.
type Limits struct {
	// MaxBytes is the largest upload, in bytes (default 10 MiB).
	MaxBytes int64
	// MaxPixels is the most pixels of an image (default 40 million).
	MaxPixels int
	// MaxEdge is the longest side, in pixels (default 16384).
	MaxEdge int
	// MaxDecodeBytes bounds the estimated memory of one decoding (default
	// 256 MiB): pixels × the format's bytes per pixel (1 for GIF, 1.5 for
	// a 4:2:0 JPEG, 7.5 for a progressive one, 4–16 for PNG, up to 12 for
	// lossless WebP).
	MaxDecodeBytes int64
	// MaxConcurrent is how many images are processed at once (default
	// 1: a processing takes a core for half a second, and the other cores
	// stay with the searches and pages); others wait for a turn.
	MaxConcurrent int
	// JPEGQuality of the encoded sizes (default 85).
	JPEGQuality int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 10 << 20
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = 40_000_000
	}
	if l.MaxEdge <= 0 {
		l.MaxEdge = 16384
	}
	if l.MaxDecodeBytes <= 0 {
		l.MaxDecodeBytes = 256 << 20
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = 1
	}
	if l.JPEGQuality <= 0 || l.JPEGQuality > 100 {
		l.JPEGQuality = 85
	}
	return l
}

// NewProcessor returns the ImageProcessor of the package's rules within
// lim (zero fields take their defaults).
func NewProcessor(lim Limits) models.ImageProcessor {
	return newProcessor(lim)
}

func newProcessor(lim Limits) *processor {
	lim = lim.withDefaults()
	return &processor{lim: lim, turns: make(chan struct{}, lim.MaxConcurrent)}
}

type processor struct {
	lim   Limits
	turns chan struct{}
	// scaler, when set, scales instead of resizeArea (for the benchmarks'
	// comparison with x/image/draw's interpolators).
	scaler draw.Scaler
}

func unsupported(format string, args ...any) error {
	return models.Errorf(models.CodeUnsupportedMediaType, format, args...)
}

func tooLarge(format string, args ...any) error {
	return models.Errorf(models.CodeTooLarge, format, args...)
}

// interrupted is the error of a context that ended while processing.
func interrupted(err error) error {
	return &models.Error{Code: models.CodeUnavailable, Message: "the image could not be processed in time", Op: "media.Process", Err: err}
}

// Process reads an upload, checks it, and returns its served sizes.
func (p *processor) Process(ctx context.Context, r io.Reader) (*models.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err)
	}
	data, err := io.ReadAll(io.LimitReader(r, p.lim.MaxBytes+1))
	if err != nil {
		return nil, &models.Error{Code: models.CodeBadRequest, Message: "the upload could not be read", Op: "media.Process", Err: err}
	}
	if int64(len(data)) > p.lim.MaxBytes {
		return nil, tooLarge("the file is larger than %d MiB", p.lim.MaxBytes>>20)
	}
	f, st, err := check(data)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return nil, err
	}
	if err := p.checkSize(cfg, st); err != nil {
		return nil, err
	}
	select {
	case p.turns <- struct{}{}:
		defer func() { <-p.turns }()
	case <-ctx.Done():
		return nil, interrupted(ctx.Err())
	}
	type result struct {
		img *models.Image
		err error
	}
	done := make(chan result, 1)
	// The decoding and the scaling run on a thread of their own at the
	// lowest priority (background), so that when the processors are busy
	// the searches and pages go first; the thread ends with the work, so
	// its priority never passes to other goroutines.
	go func() {
		defer func() {
			// Off the request's goroutine, a panic would end the process
			// instead of the request (decode's own are 415 already).
			if r := recover(); r != nil {
				done <- result{err: &models.Error{Code: models.CodeInternal, Message: "the image could not be processed", Op: "media.Process", Err: fmt.Errorf("panic: %v", r)}}
			}
		}()
		runtime.LockOSThread()
		background()
		img, err := p.work(ctx, f, data, cfg, st)
		done <- result{img, err}
	}()
	res := <-done
	return res.img, res.err
}

// work decodes the image and renders its sizes.
func (p *processor) work(ctx context.Context, f format, data []byte, cfg image.Config, st structure) (*models.Image, error) {
	m, err := decode(f, data)
	if err != nil {
		return nil, err
	}
	data = nil // the upload's bytes are no longer needed; let them go
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err)
	}
	b := m.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		// A decoder that made another size than its header said (a GIF's
		// first frame smaller than its screen): check again what was made.
		if err := p.checkSize(image.Config{Width: b.Dx(), Height: b.Dy()}, structure{bytesPerPixel: 1}); err != nil {
			return nil, err
		}
	}
	return p.render(ctx, m, st.orientation)
}

// check sniffs the format and refuses polyglots (see the package doc).
func check(data []byte) (format, structure, error) {
	f := sniff(data)
	if f == formatUnknown {
		return f, structure{}, unsupported("the file is not a JPEG, PNG, WebP or GIF image")
	}
	if containsMarkup(data[:min(len(data), headWindow)]) {
		return f, structure{}, unsupported("the file holds markup or a document besides an image")
	}
	st := inspect(f, data)
	if st.end >= 0 && st.end < len(data) && containsMarkup(data[st.end:]) {
		return f, structure{}, unsupported("the file holds markup or a document after the image")
	}
	return f, st, nil
}

// decodeConfig reads the dimensions from the header, with the decoder of
// the sniffed format only (not image.DecodeConfig, which would take any
// format some package registered).
func decodeConfig(f format, data []byte) (image.Config, error) {
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch f {
	case formatJPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case formatPNG:
		cfg, err = png.DecodeConfig(r)
	case formatGIF:
		cfg, err = gif.DecodeConfig(r)
	case formatWebP:
		cfg, err = webp.DecodeConfig(r)
	}
	if err != nil {
		return cfg, &models.Error{Code: models.CodeUnsupportedMediaType, Message: fmt.Sprintf("the file is not a valid %s image", f), Op: "media.Process", Err: err}
	}
	return cfg, nil
}

func (p *processor) checkSize(cfg image.Config, st structure) error {
	w, h := int64(cfg.Width), int64(cfg.Height)
	switch {
	case w <= 0 || h <= 0:
		return unsupported("the image has no pixels")
	case w > int64(p.lim.MaxEdge) || h > int64(p.lim.MaxEdge):
		return tooLarge("the image is %d×%d pixels; its sides may be at most %d", w, h, p.lim.MaxEdge)
	case w*h > int64(p.lim.MaxPixels):
		return tooLarge("the image is %d×%d pixels; it may have at most %d million", w, h, p.lim.MaxPixels/1_000_000)
	case float64(w*h)*st.bytesPerPixel > float64(p.lim.MaxDecodeBytes):
		return tooLarge("the image is %d×%d pixels, too many for this kind of image", w, h)
	}
	return nil
}

// decode decodes data with its format's decoder. A panic of a decoder
// (none is known; the decoders are fuzzed) is a refusal, not a crash.
func decode(f format, data []byte) (m image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, &models.Error{Code: models.CodeUnsupportedMediaType, Message: fmt.Sprintf("the file is not a valid %s image", f), Op: "media.Process", Err: fmt.Errorf("decoder panic: %v", r)}
		}
	}()
	r := bytes.NewReader(data)
	switch f {
	case formatJPEG:
		m, err = jpeg.Decode(r)
	case formatPNG:
		m, err = png.Decode(r)
	case formatGIF:
		m, err = gif.Decode(r) // the first frame only
	case formatWebP:
		m, err = webp.Decode(r)
	}
	if err != nil {
		return nil, &models.Error{Code: models.CodeUnsupportedMediaType, Message: fmt.Sprintf("the file is not a valid %s image", f), Op: "media.Process", Err: err}
	}
	return m, nil
}

// render makes the two sizes of a decoded image: scaled to fit LargeEdge,
// turned upright, then scaled again to fit ThumbEdge, both encoded.
func (p *processor) render(ctx context.Context, m image.Image, orientation int) (*models.Image, error) {
	opaque := isOpaque(m)
	b := m.Bounds()
	lw, lh := fit(b.Dx(), b.Dy(), models.LargeEdge)
	large, err := p.scale(ctx, m, lw, lh)
	if err != nil {
		return nil, interrupted(err)
	}
	m = nil
	large = orient(large, orientation)
	tw, th := fit(large.Rect.Dx(), large.Rect.Dy(), models.ThumbEdge)
	thumb, err := p.scale(ctx, large, tw, th)
	if err != nil {
		return nil, interrupted(err)
	}
	img := &models.Image{
		Width: large.Rect.Dx(), Height: large.Rect.Dy(),
		ThumbWidth: tw, ThumbHeight: th,
	}
	if img.Large, img.ContentType, err = p.encode(large, opaque); err != nil {
		return nil, err
	}
	if img.Thumb, _, err = p.encode(thumb, opaque); err != nil {
		return nil, err
	}
	return img, ctxErr(ctx)
}

func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return interrupted(err)
	}
	return nil
}

func (p *processor) scale(ctx context.Context, m image.Image, w, h int) (*image.RGBA, error) {
	if p.scaler == nil {
		return resizeArea(ctx, m, w, h)
	}
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	p.scaler.Scale(d, d.Rect, m, m.Bounds(), draw.Src, nil)
	return d, ctx.Err()
}

// isOpaque reports whether every pixel of m is opaque. Go's image types
// know it (a YCbCr at once, others by looking at their alpha).
func isOpaque(m image.Image) bool {
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func (p *processor) encode(m *image.RGBA, opaque bool) ([]byte, string, error) {
	var buf bytes.Buffer
	if opaque {
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: p.lim.JPEGQuality}); err != nil {
			return nil, "", models.Internal("media.encode", err)
		}
		return buf.Bytes(), "image/jpeg", nil
	}
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, m); err != nil {
		return nil, "", models.Internal("media.encode", err)
	}
	return buf.Bytes(), "image/png", nil
}
