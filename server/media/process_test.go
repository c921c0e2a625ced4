package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
)

func process(t testing.TB, lim Limits, data []byte) (*models.Image, error) {
	t.Helper()
	return NewProcessor(lim).Process(context.Background(), bytes.NewReader(data))
}

// decodeOut decodes an output and checks its type and size.
func decodeOut(t *testing.T, data []byte, contentType string, w, h int) image.Image {
	t.Helper()
	var m image.Image
	var err error
	switch contentType {
	case "image/jpeg":
		m, err = jpeg.Decode(bytes.NewReader(data))
	case "image/png":
		m, err = png.Decode(bytes.NewReader(data))
	default:
		t.Fatalf("content type %q", contentType)
	}
	if err != nil {
		t.Fatalf("output does not decode as %s: %v", contentType, err)
	}
	if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("output is %v, want %d×%d", b, w, h)
	}
	return m
}

func wantCode(t *testing.T, err error, code models.Code) {
	t.Helper()
	if !models.IsCode(err, code) {
		t.Fatalf("error %v, want %s", err, code)
	}
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { x := int(a>>8) - int(b); return x > -40 && x < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// TestProcessFormats: each format is taken by its content and made into
// the two sizes, JPEG when opaque, PNG with transparency; never upscaled.
func TestProcessFormats(t *testing.T) {
	webpLossy, err := os.ReadFile("testdata/quad.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	webpAlpha, err := os.ReadFile("testdata/quad-alpha.lossless.webp")
	if err != nil {
		t.Fatal(err)
	}
	alpha := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			alpha.SetNRGBA(x, y, color.NRGBA{200, 10, 10, uint8(x % 256)})
		}
	}
	pal := image.NewPaletted(image.Rect(0, 0, 500, 100), color.Palette{color.Transparent, red, blue})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	opaquePal := image.NewPaletted(image.Rect(0, 0, 80, 60), color.Palette{red, blue})
	for _, c := range []struct {
		name              string
		data              []byte
		contentType       string
		w, h, tw, th      int
		topLeft, botRight color.RGBA // of the large size, if checked
		checkCorners      bool
	}{
		{"jpeg 2000x1000", encJPEG(t, quad(2000, 1000)), "image/jpeg", 1600, 800, 400, 200, red, white, true},
		{"jpeg portrait", encJPEG(t, quad(900, 2700)), "image/jpeg", 533, 1600, 133, 400, red, white, true},
		{"png opaque", encPNG(t, quad(640, 480)), "image/jpeg", 640, 480, 400, 300, red, white, true},
		{"png transparent", encPNG(t, alpha), "image/png", 300, 200, 300, 200, color.RGBA{}, color.RGBA{}, false},
		{"gif transparent", encGIF(t, pal), "image/png", 500, 100, 400, 80, color.RGBA{}, color.RGBA{}, false},
		{"gif opaque", encGIF(t, opaquePal), "image/jpeg", 80, 60, 80, 60, color.RGBA{}, color.RGBA{}, false},
		{"webp lossy", webpLossy, "image/jpeg", 64, 48, 64, 48, red, white, true},
		{"webp lossless alpha", webpAlpha, "image/png", 64, 48, 64, 48, color.RGBA{}, color.RGBA{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := process(t, Limits{}, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if img.ContentType != c.contentType || img.Width != c.w || img.Height != c.h || img.ThumbWidth != c.tw || img.ThumbHeight != c.th {
				t.Fatalf("got %s %d×%d thumb %d×%d, want %s %d×%d thumb %d×%d", img.ContentType, img.Width, img.Height,
					img.ThumbWidth, img.ThumbHeight, c.contentType, c.w, c.h, c.tw, c.th)
			}
			large := decodeOut(t, img.Large, img.ContentType, c.w, c.h)
			decodeOut(t, img.Thumb, img.ContentType, c.tw, c.th)
			if c.checkCorners {
				if !near(large.At(2, 2), c.topLeft) || !near(large.At(c.w-3, c.h-3), c.botRight) {
					t.Errorf("corners %v %v, want %v %v", large.At(2, 2), large.At(c.w-3, c.h-3), c.topLeft, c.botRight)
				}
			}
		})
	}
}

// TestProcessStripsMetadata: an Exif segment with GPS coordinates and a
// camera serial leaves no trace in any output byte.
func TestProcessStripsMetadata(t *testing.T) {
	src := withSegment(encJPEG(t, quad(1800, 1200)), 0xE1, exifSegment(1))
	src = withSegment(src, 0xFE, []byte("comment "+cameraSerial))
	if !bytes.Contains(src, []byte(cameraSerial)) || !bytes.Contains(src, gpsLatitude) {
		t.Fatal("the test image lacks its markers")
	}
	img, err := process(t, Limits{}, src)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"large": img.Large, "thumb": img.Thumb} {
		for _, marker := range [][]byte{[]byte(cameraSerial), gpsLatitude, []byte("Exif"), []byte("TestCam")} {
			if bytes.Contains(out, marker) {
				t.Errorf("%s holds %q", name, marker)
			}
		}
	}
}

// TestProcessOrientation: orientation 6 (turn a quarter clockwise) swaps
// width and height and brings the bottom-left (blue) to the top-left; the
// other orientations land each corner where EXIF says.
func TestProcessOrientation(t *testing.T) {
	src := withSegment(encJPEG(t, quad(640, 480)), 0xE1, exifSegment(6))
	img, err := process(t, Limits{}, src)
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 480 || img.Height != 640 || img.ThumbWidth != 300 || img.ThumbHeight != 400 {
		t.Fatalf("sizes %d×%d %d×%d", img.Width, img.Height, img.ThumbWidth, img.ThumbHeight)
	}
	m := decodeOut(t, img.Large, "image/jpeg", 480, 640)
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{{5, 5, blue}, {474, 5, red}, {5, 634, white}, {474, 634, green}} {
		if got := m.At(c.x, c.y); !near(got, c.want) {
			t.Errorf("(%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	th := decodeOut(t, img.Thumb, "image/jpeg", 300, 400)
	if !near(th.At(3, 3), blue) {
		t.Errorf("thumb top-left %v, want blue", th.At(3, 3))
	}

	// orient itself, every orientation: where the red (top-left) and green
	// (top-right) quadrants of a 4×2 image land, as corners of the result.
	q := quad(4, 2)
	for o, want := range map[int][2]image.Point{
		// {red, green} as corners: (0|1, 0|1) = (right?, bottom?)
		1: {{0, 0}, {1, 0}}, 2: {{1, 0}, {0, 0}}, 3: {{1, 1}, {0, 1}}, 4: {{0, 1}, {1, 1}},
		5: {{0, 0}, {0, 1}}, 6: {{1, 0}, {1, 1}}, 7: {{1, 1}, {1, 0}}, 8: {{0, 1}, {0, 0}},
	} {
		d := orient(q, o)
		w, h := d.Rect.Dx(), d.Rect.Dy()
		if (o >= 5) != (w == 2) {
			t.Errorf("orientation %d: %d×%d", o, w, h)
		}
		at := func(p image.Point) color.RGBA { return d.RGBAAt(p.X*(w-1), p.Y*(h-1)) }
		if at(want[0]) != red || at(want[1]) != green {
			t.Errorf("orientation %d: red at %v is %v, green at %v is %v", o, want[0], at(want[0]), want[1], at(want[1]))
		}
	}
}

// TestExifOrientationParser: the orientation is read from either byte
// order, and anything malformed is 1.
func TestExifOrientationParser(t *testing.T) {
	if got := exifOrientation(exifSegment(8)[6:]); got != 8 {
		t.Errorf("little-endian: %d", got)
	}
	mm := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x03\x00\x00\x00\x00\x00\x00")
	if got := exifOrientation(mm); got != 3 {
		t.Errorf("big-endian: %d", got)
	}
	for _, bad := range [][]byte{nil, []byte("II*"), []byte("XX\x2a\x00\x08\x00\x00\x00"),
		[]byte("II\x2a\x00\xff\xff\xff\xff"), mm[:20], append(append([]byte{}, mm[:18]...), 0, 9)} {
		if got := exifOrientation(bad); got != 1 {
			t.Errorf("%q: %d", bad, got)
		}
	}
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestProcessDecompressionBomb: images that claim more pixels than the
// limits are refused from their header, without allocating for them.
func TestProcessDecompressionBomb(t *testing.T) {
	// A 30000×30000 PNG in about 100 bytes: a header and a little IDAT.
	header := []byte("\x89PNG\r\n\x1a\n")
	header = append(header, pngChunk("IHDR", ihdr(30000, 30000, 8, 6))...)
	header = append(header, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00})...)
	header = append(header, pngChunk("IEND", nil)...)
	// A valid 8192×8192 greyscale PNG (67 million pixels) of some 70 KB.
	big := zeroPNG(t, 8192, 8192)
	t.Logf("bombs: %d and %d bytes", len(header), len(big))
	for name, data := range map[string][]byte{"30000x30000 header": header, "8192x8192 zeros": big} {
		var err error
		n := allocated(func() { _, err = process(t, Limits{}, data) })
		wantCode(t, err, models.CodeTooLarge)
		// The upload's bytes (read in growing buffers) and little else: far
		// from the 64 MB to 3.6 GB the pixels would take.
		if n > 4*uint64(len(data))+(1<<20) {
			t.Errorf("%s: allocated %d bytes to refuse it", name, n)
		}
		t.Logf("%s: refused with %d bytes allocated", name, n)
	}

	// The estimated cost of decoding counts too: a 16-bit PNG costs twice
	// an 8-bit one of the same size.
	m16 := image.NewRGBA64(image.Rect(0, 0, 100, 100))
	m8 := image.NewNRGBA(image.Rect(0, 0, 100, 100))
	lim := Limits{MaxDecodeBytes: 50_000}
	_, err := process(t, lim, encPNG(t, m16))
	wantCode(t, err, models.CodeTooLarge)
	if _, err := process(t, lim, encPNG(t, m8)); err != nil {
		t.Errorf("8-bit 100×100 within 50 kB: %v", err)
	}
	// And the edge: 20000×1 is within the pixels but not the edge.
	_, err = process(t, Limits{}, zeroPNG(t, 20000, 1))
	wantCode(t, err, models.CodeTooLarge)
}

// countingReader counts what it gives; it never ends.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xFF
	}
	r.n += int64(len(p))
	return len(p), nil
}

// TestProcessTooManyBytes: a file over MaxBytes is refused after reading
// at most MaxBytes+1 bytes of it.
func TestProcessTooManyBytes(t *testing.T) {
	r := &countingReader{}
	_, err := NewProcessor(Limits{MaxBytes: 100_000}).Process(context.Background(), r)
	wantCode(t, err, models.CodeTooLarge)
	if r.n > 100_001 {
		t.Errorf("read %d bytes", r.n)
	}
	// Exactly MaxBytes is read whole (and then judged by its content).
	j := encJPEG(t, quad(64, 64))
	if _, err := process(t, Limits{MaxBytes: int64(len(j))}, j); err != nil {
		t.Errorf("a file of exactly MaxBytes: %v", err)
	}
}

// TestProcessRefusesNonImages: formats other than the four, and polyglots.
func TestProcessRefusesNonImages(t *testing.T) {
	j := encJPEG(t, quad(64, 48))
	p := encPNG(t, quad(64, 48))
	html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	noise := make([]byte, 200_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>`)},
		{"svg with xml prologue", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
		{"html", html},
		{"pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")},
		{"bmp", append([]byte("BM"), make([]byte, 60)...)},
		{"empty", nil},
		{"jpeg with html in a comment", withSegment(j, 0xFE, html)},
		{"jpeg with html after EOI", append(append([]byte{}, j...), html...)},
		{"jpeg with a pdf after EOI", append(append([]byte{}, j...), []byte("\n%PDF-1.4\n")...)},
		{"png with script in a text chunk", append(append(append([]byte{}, p[:33]...), pngChunk("tEXt", []byte("Comment\x00<script>alert(1)</script>"))...), p[33:]...)},
		{"png with html after IEND", append(append([]byte{}, p...), []byte("<HTML><SCRIPT>x()</SCRIPT>")...)},
		{"gif with html after the trailer", append(encGIF(t, quad(16, 16)), []byte("<svg onload=alert(1)>")...)},
		{"truncated jpeg", j[:len(j)/2]},
		{"truncated png", p[:len(p)-30]},
		{"jpeg magic then noise", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, noise[:5000]...)},
		{"png magic then noise", append([]byte("\x89PNG\r\n\x1a\n"), noise[:5000]...)},
		{"gif header only", []byte("GIF89a\x10\x00\x10\x00\x00\x00\x00")},
		{"riff webp then noise", append([]byte("RIFF\x00\x10\x00\x00WEBPVP8 "), noise[:4096]...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := process(t, Limits{}, c.data)
			wantCode(t, err, models.CodeUnsupportedMediaType)
		})
	}
	// Trailing data that is not markup (a motion photo's video, say) is
	// allowed and dropped.
	img, err := process(t, Limits{}, append(append([]byte{}, j...), noise...))
	if err != nil {
		t.Fatalf("jpeg with trailing binary data: %v", err)
	}
	if bytes.Contains(img.Large, noise[:64]) {
		t.Error("the trailing data is in the output")
	}
}

// TestProcessContext: a context that has ended stops the processing.
func TestProcessContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewProcessor(Limits{}).Process(ctx, bytes.NewReader(encJPEG(t, quad(64, 64))))
	wantCode(t, err, models.CodeUnavailable)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v does not wrap context.Canceled", err)
	}
	// While waiting for a turn, too.
	p := newProcessor(Limits{MaxConcurrent: 1})
	p.turns <- struct{}{}
	_, err = p.Process(ctx, bytes.NewReader(encJPEG(t, quad(64, 64))))
	wantCode(t, err, models.CodeUnavailable)
}

// TestProcessReadError: an upload that fails while read is a bad request.
func TestProcessReadError(t *testing.T) {
	_, err := NewProcessor(Limits{}).Process(context.Background(), io.MultiReader(strings.NewReader("\xFF\xD8\xFF"), iotestErr{}))
	wantCode(t, err, models.CodeBadRequest)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestResizeArea: area averaging keeps flat colours flat and averages a
// checkerboard to its mean grey.
func TestResizeArea(t *testing.T) {
	ctx := context.Background()
	d, err := resizeArea(ctx, quad(400, 300), 40, 30)
	if err != nil {
		t.Fatal(err)
	}
	if d.RGBAAt(0, 0) != red || d.RGBAAt(39, 29) != white || d.RGBAAt(39, 0) != green || d.RGBAAt(0, 29) != blue {
		t.Errorf("corners %v %v %v %v", d.RGBAAt(0, 0), d.RGBAAt(39, 0), d.RGBAAt(0, 29), d.RGBAAt(39, 29))
	}
	checker := func(w, h int) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if (x+y)%2 == 0 {
					g.Pix[y*g.Stride+x] = 255
				}
			}
		}
		return g
	}
	// Halving: every destination pixel is two black and two white.
	d, err = resizeArea(ctx, checker(300, 200), 150, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(d.Pix); i += 4 {
		if c := d.Pix[i : i+4]; c[0] != 128 || c[1] != 128 || c[2] != 128 || c[3] != 255 {
			t.Fatalf("halved checkerboard: pixel %d is %v", i/4, c)
		}
	}
	// A fractional scale (3.1): each pixel about 10 source pixels, one of
	// them more black or white than the others at most.
	d, err = resizeArea(ctx, checker(301, 199), 97, 64)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 64; y++ {
		for x := 0; x < 97; x++ {
			if c := d.RGBAAt(x, y); c.R < 100 || c.R > 155 || c.A != 255 {
				t.Fatalf("(%d,%d) = %v, want about mid grey", x, y, c)
			}
		}
	}
	for _, c := range []struct{ w, h, edge, fw, fh int }{
		{4000, 3000, 1600, 1600, 1200}, {3000, 4000, 1600, 1200, 1600}, {100, 50, 1600, 100, 50},
		{1601, 1, 1600, 1600, 1}, {1, 5000, 400, 1, 400}, {1600, 1600, 400, 400, 400},
	} {
		if w, h := fit(c.w, c.h, c.edge); w != c.fw || h != c.fh {
			t.Errorf("fit(%d, %d, %d) = %d, %d", c.w, c.h, c.edge, w, h)
		}
	}
}
