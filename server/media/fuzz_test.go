package media

import (
	"bytes"
	"context"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"github.com/szdc/talenthub/models"
)

// FuzzProcess: whatever the bytes, Process never panics, refuses with 413
// or 415 only, and what it accepts are decodable outputs within the served
// sizes. The seeds (testdata/fuzz/FuzzProcess) are small images of each
// format, one with an Exif segment, and a polyglot; limits are small so
// that a run explores structure, not big pixels.
func FuzzProcess(f *testing.F) {
	for _, name := range []string{"testdata/quad.lossy.webp", "testdata/quad-alpha.lossless.webp"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(withSegment(encJPEG(f, quad(24, 16)), 0xE1, exifSegment(6)))
	f.Add(encPNG(f, quad(20, 12)))
	f.Add(encGIF(f, quad(16, 16)))
	p := newProcessor(Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxEdge: 4096, MaxDecodeBytes: 16 << 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := p.Process(context.Background(), bytes.NewReader(data))
		if err != nil {
			if !models.IsCode(err, models.CodeUnsupportedMediaType) && !models.IsCode(err, models.CodeTooLarge) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		if img.Width > models.LargeEdge || img.Height > models.LargeEdge || img.ThumbWidth > models.ThumbEdge || img.ThumbHeight > models.ThumbEdge {
			t.Fatalf("sizes %d×%d, %d×%d", img.Width, img.Height, img.ThumbWidth, img.ThumbHeight)
		}
		for _, out := range [][]byte{img.Large, img.Thumb} {
			var err error
			if img.ContentType == "image/jpeg" {
				_, err = jpeg.DecodeConfig(bytes.NewReader(out))
			} else {
				_, err = png.DecodeConfig(bytes.NewReader(out))
			}
			if err != nil {
				t.Fatalf("output %s does not decode: %v", img.ContentType, err)
			}
		}
	})
}
