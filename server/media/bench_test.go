package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

var photo struct {
	once sync.Once
	data []byte
}

// photoJPEG is a 4000×3000 JPEG (quality 90, 4:2:0) of gradients, stripes
// and per-pixel noise: not trivially compressible (about 5–6 MB), like a
// phone's photo.
func photoJPEG(b *testing.B) []byte {
	photo.once.Do(func() {
		const w, h = 4000, 3000
		m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		rng := rand.New(rand.NewPCG(4, 2))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := (x*255/w + y*255/h) / 2
				if (x/40+y/30)%2 == 0 {
					v += 30
				}
				v += int(rng.IntN(48)) - 24
				m.Y[y*m.YStride+x] = uint8(min(max(v, 0), 255))
			}
		}
		for y := 0; y < h/2; y++ {
			for x := 0; x < w/2; x++ {
				i := y*m.CStride + x
				m.Cb[i] = uint8(96 + x*64/(w/2) + rng.IntN(16))
				m.Cr[i] = uint8(160 - y*64/(h/2) + rng.IntN(16))
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
			b.Fatal(err)
		}
		photo.data = buf.Bytes()
	})
	return photo.data
}

// peakHeap samples HeapInuse every 2 ms until stop is called, which
// returns the highest sample.
func peakHeap() (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var ms runtime.MemStats
		peak := uint64(0)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// BenchmarkProcess processes a 4000×3000 JPEG end to end (read, check,
// decode, scale to 1600×1200, orient, scale to 400×300, encode both) with
// the area averaging of resizeArea and, to compare, with x/image/draw's
// CatmullRom and ApproxBiLinear. Besides ns/op and the allocations it
// reports the median time (p50-ms) and the highest HeapInuse sampled
// (peak-heap-MiB, the upload's bytes included).
func BenchmarkProcess(b *testing.B) {
	data := photoJPEG(b)
	b.Logf("input: 4000×3000 JPEG, %d bytes", len(data))
	turned := withSegment(data, 0xE1, exifSegment(6))
	for _, c := range []struct {
		name   string
		scaler draw.Scaler
		data   []byte
	}{{"area", nil, data}, {"area-orientation6", nil, turned},
		{"catmullrom", draw.CatmullRom, data}, {"approxbilinear", draw.ApproxBiLinear, data}} {
		b.Run(c.name, func(b *testing.B) {
			data := c.data
			p := newProcessor(Limits{})
			p.scaler = c.scaler
			ctx := context.Background()
			var times []time.Duration
			runtime.GC()
			stop := peakHeap()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				img, err := p.Process(ctx, bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				if i == 0 && c.scaler == nil {
					b.Logf("output: large %d×%d %d bytes, thumb %d×%d %d bytes", img.Width, img.Height, len(img.Large), img.ThumbWidth, img.ThumbHeight, len(img.Thumb))
				}
			}
			b.StopTimer()
			peak := stop()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkProcessStages times the stages of BenchmarkProcess apart.
func BenchmarkProcessStages(b *testing.B) {
	data := photoJPEG(b)
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name   string
		scaler draw.Scaler
	}{{"scale-area", nil}, {"scale-catmullrom", draw.CatmullRom}, {"scale-approxbilinear", draw.ApproxBiLinear}} {
		b.Run(c.name, func(b *testing.B) {
			p := newProcessor(Limits{})
			p.scaler = c.scaler
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := p.scale(ctx, m, 1600, 1200); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	large, _ := resizeArea(ctx, m, 1600, 1200)
	b.Run("orient-6", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			orient(large, 6)
		}
	})
	p := newProcessor(Limits{})
	b.Run("encode-large-jpeg", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := p.encode(large, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillStore writes n blobs straight into the file store's layout (without
// FileStore.Put's fsyncs, which would make the setup take minutes): every
// 97th a 25 kB thumbnail, whose keys it returns, the others 2 kB (the
// number of files is what a lookup meets; their size only fills the disk).
func fillStore(b *testing.B, dir string, n int) []string {
	small, thumb := make([]byte, 2_000), make([]byte, 25_000)
	var keys []string
	for i := 0; i < n; i++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "blob %d", i))
		key := hex.EncodeToString(sum[:])
		os.MkdirAll(filepath.Join(dir, key[:2]), 0o750)
		data := small
		if i%97 == 0 {
			data = thumb
			keys = append(keys, key)
		}
		if err := os.WriteFile(filepath.Join(dir, key[:2], key[2:]), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return keys
}

// BenchmarkFileStoreGet reads 25 kB blobs (a thumbnail's size) from a
// store of n blobs, each Get another of about n/97 thumbnails in turn; the
// page cache is warm, as for thumbnails served often.
func BenchmarkFileStoreGet(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("blobs=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			keys := fillStore(b, dir, n)
			s, err := NewFileStore(dir)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Get(ctx, keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFileStorePut writes new 200 kB blobs (a large size), each
// durably: two fsyncs (the file, its directory).
func BenchmarkFileStorePut(b *testing.B) {
	s, err := NewFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 200_000)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "put %d", i))
		if err := s.Put(ctx, hex.EncodeToString(sum[:]), data); err != nil {
			b.Fatal(err)
		}
	}
}
