package media

import (
	"context"
	"image"
	"image/draw"
)

// fit returns the size of a w×h image fitted within edge×edge, keeping its
// proportions, never larger than it is (never upscaled).
func fit(w, h, edge int) (int, int) {
	if w <= edge && h <= edge {
		return w, h
	}
	if w >= h {
		return edge, max(1, int((int64(h)*int64(edge)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(edge)+int64(h)/2)/int64(h))), edge
}

// resizeArea returns src scaled to dw×dh (no larger than src) by area
// averaging: each destination pixel is the mean of the source area it
// covers, with fractional weights at its borders (a box filter of the
// scale's width, what OpenCV calls INTER_AREA). It reads src one row at a
// time, converted to premultiplied RGBA by image/draw, and keeps only two
// destination rows of float32 accumulators: beside the destination it
// allocates O(source width + destination width), whatever the source
// height (x/image/draw's kernel scalers allocate destination width ×
// source height × 32 bytes, 154 MB for a 4000×3000 source). It checks ctx
// every 64 source rows.
func resizeArea(ctx context.Context, src image.Image, dw, dh int) (*image.RGBA, error) {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if sw == dw && sh == dh {
		draw.Draw(dst, dst.Rect, src, sb.Min, draw.Src)
		return dst, ctx.Err()
	}
	xj, xw := areaWeights(sw, dw)
	// One goroutine: two bands of rows at once (GOMAXPROCS) were measured
	// no faster on the shared two-core machine of BENCHMARKS.md, and
	// slower at the median.
	return dst, resizeRows(ctx, src, dst, xj, xw)
}

// areaWeights: in units of 1/(sw·dw) of the source's width, source pixel
// x covers [x·dw, (x+1)·dw) and destination pixel j covers [j·sw,
// (j+1)·sw); as dw ≤ sw, a source pixel overlaps one or two destination
// pixels. xj[x] is the first, xw[2x] and xw[2x+1] the shares of x in it
// and in the next, normalised by the destination pixel's width.
func areaWeights(sw, dw int) ([]int32, []float32) {
	xj := make([]int32, sw)
	xw := make([]float32, 2*sw)
	for x := 0; x < sw; x++ {
		lo, hi := int64(x)*int64(dw), int64(x+1)*int64(dw)
		j := lo / int64(sw)
		end := (j + 1) * int64(sw) // end of destination pixel j
		xj[x] = int32(j)
		if hi <= end {
			xw[2*x] = float32(hi-lo) / float32(sw)
		} else {
			xw[2*x] = float32(end-lo) / float32(sw)
			xw[2*x+1] = float32(hi-end) / float32(sw)
		}
	}
	return xj, xw
}

// resizeRows makes the rows of dst from the rows of src, with the
// horizontal weights of areaWeights and the same overlap vertically.
func resizeRows(ctx context.Context, src image.Image, dst *image.RGBA, xj []int32, xw []float32) error {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	row := image.NewRGBA(image.Rect(0, 0, sw, 1))
	hrow := make([]float32, 4*dw)
	acc := [2][]float32{make([]float32, 4*dw), make([]float32, 4*dw)}
	for y := 0; y < sh; y++ {
		if y%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		draw.Draw(row, row.Rect, src, image.Pt(sb.Min.X, sb.Min.Y+y), draw.Src)
		clear(hrow)
		pix := row.Pix
		for x := 0; x < sw; x++ {
			p := pix[4*x : 4*x+4 : 4*x+4]
			r, g, b, a := float32(p[0]), float32(p[1]), float32(p[2]), float32(p[3])
			j := int(xj[x])
			w0 := xw[2*x]
			h := hrow[4*j : 4*j+4 : 4*j+4]
			h[0] += r * w0
			h[1] += g * w0
			h[2] += b * w0
			h[3] += a * w0
			if w1 := xw[2*x+1]; w1 != 0 {
				h := hrow[4*j+4 : 4*j+8 : 4*j+8]
				h[0] += r * w1
				h[1] += g * w1
				h[2] += b * w1
				h[3] += a * w1
			}
		}
		// In units of 1/(sh·dh), source row y covers [y·dh, (y+1)·dh) and
		// destination row j covers [j·sh, (j+1)·sh).
		lo, hi := int64(y)*int64(dh), int64(y+1)*int64(dh)
		j := int(lo / int64(sh))
		end := int64(j+1) * int64(sh)
		w0, w1 := float32(hi-lo)/float32(sh), float32(0)
		if hi > end {
			w0, w1 = float32(end-lo)/float32(sh), float32(hi-end)/float32(sh)
		}
		a0, a1 := acc[j&1], acc[(j+1)&1]
		for i, v := range hrow {
			a0[i] += v * w0
		}
		if w1 != 0 {
			for i, v := range hrow {
				a1[i] += v * w1
			}
		}
		if hi >= end { // destination row j is complete
			out := dst.Pix[j*dst.Stride : j*dst.Stride+4*dw]
			for i, v := range a0 {
				v += 0.5
				if v > 255 {
					v = 255
				}
				out[i] = uint8(v)
				a0[i] = 0
			}
		}
	}
	return nil
}

// orient returns m turned upright from EXIF orientation o (1–8): mirrored
// (2, 4), turned half a turn (3), turned a quarter clockwise (6) or
// anticlockwise (8), transposed (5) or transversed (7). m must start at
// the origin; 1 and unknown values return m itself.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	d := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// For source pixel (x, y), the destination is (ox + x·xx + y·xy,
	// oy + x·yx + y·yy).
	var ox, oy, xx, xy, yx, yy int
	switch o {
	case 2: // mirror left-right
		ox, xx, yy = w-1, -1, 1
	case 3: // half a turn
		ox, oy, xx, yy = w-1, h-1, -1, -1
	case 4: // mirror top-bottom
		oy, xx, yy = h-1, 1, -1
	case 5: // transpose
		xy, yx = 1, 1
	case 6: // a quarter turn clockwise
		ox, xy, yx = h-1, -1, 1
	case 7: // transverse
		ox, oy, xy, yx = h-1, w-1, -1, -1
	case 8: // a quarter turn anticlockwise
		oy, xy, yx = w-1, 1, -1
	}
	for y := 0; y < h; y++ {
		src := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < w; x++ {
			dx, dy := ox+x*xx+y*xy, oy+x*yx+y*yy
			copy(d.Pix[dy*d.Stride+4*dx:dy*d.Stride+4*dx+4], src[4*x:4*x+4])
		}
	}
	return d
}
