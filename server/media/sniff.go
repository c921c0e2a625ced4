package media

import (
	"bytes"
	"encoding/binary"
)

// format is an image format told by its content.
type format int

const (
	formatUnknown format = iota
	formatJPEG
	formatPNG
	formatGIF
	formatWebP
)

func (f format) String() string {
	switch f {
	case formatJPEG:
		return "JPEG"
	case formatPNG:
		return "PNG"
	case formatGIF:
		return "GIF"
	case formatWebP:
		return "WebP"
	}
	return "unknown"
}

// sniff tells the format by the magic bytes at the very start of the file,
// never by a name or a declared type: "\xFF\xD8\xFF" (JPEG), the 8-byte PNG
// signature, "GIF87a"/"GIF89a", "RIFF"+size+"WEBP". Anything else (SVG,
// HTML, PDF, BMP, TIFF, HEIC…) is formatUnknown.
func sniff(b []byte) format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return formatJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return formatGIF
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return formatWebP
	}
	return formatUnknown
}

// headWindow is how much of the start of a file is searched for markup:
// browsers sniff HTML in the first 512 bytes and PDF readers find "%PDF-"
// anywhere in the first 1024.
const headWindow = 1024

// markupMarkers are what makes a file markup or a document to a browser or
// a PDF reader, searched for without regard to ASCII case. Each is five
// bytes or more, so that random binary data holds one by chance about once
// in 10^11 bytes per marker (see polyglot).
var markupMarkers = [][]byte{
	[]byte("<!doctype"), []byte("<html"), []byte("<head"), []byte("<body"),
	[]byte("<script"), []byte("<iframe"), []byte("<svg"), []byte("<object"),
	[]byte("<embed"), []byte("<style"), []byte("<?php"), []byte("%pdf-"),
}

// containsMarkup reports whether b holds one of markupMarkers, in any ASCII
// case.
func containsMarkup(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '<' && c != '%' {
			j := bytes.IndexAny(b[i:], "<%")
			if j < 0 {
				return false
			}
			i += j
		}
		for _, m := range markupMarkers {
			if m[0] == b[i] && len(b)-i >= len(m) && asciiEqualFold(b[i:i+len(m)], m) {
				return true
			}
		}
	}
	return false
}

// asciiEqualFold compares b with the lower-case marker m, folding only
// ASCII letters (bytes.EqualFold would also fold UTF-8, which binary data
// is not).
func asciiEqualFold(b, m []byte) bool {
	for i := range m {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != m[i] {
			return false
		}
	}
	return true
}

// structure is what inspecting a file's container (not its pixels) found.
type structure struct {
	// end is the offset just past the image's own end (JPEG's EOI, PNG's
	// IEND, GIF's trailer, the RIFF chunk's size), or -1 when the walk did
	// not reach it (truncated or malformed: the decoder will say so).
	end int
	// orientation is the EXIF orientation (1–8), 1 when absent.
	orientation int
	// bytesPerPixel is an upper bound of what decoding costs per pixel,
	// from the header (see decodeCost).
	bytesPerPixel float64
}

// inspect walks the container of a file of format f. It never fails:
// whatever it cannot walk it leaves to the decoder.
func inspect(f format, b []byte) structure {
	switch f {
	case formatJPEG:
		return inspectJPEG(b)
	case formatPNG:
		return inspectPNG(b)
	case formatGIF:
		return inspectGIF(b)
	case formatWebP:
		return inspectWebP(b)
	}
	return structure{end: -1, orientation: 1}
}

// inspectJPEG walks the markers: segments by their lengths, entropy-coded
// data up to the next marker that is not a restart or a stuffed 0xFF, until
// EOI. It reads the orientation from the first APP1 Exif segment and the
// decoding cost from the SOF segment.
func inspectJPEG(b []byte) structure {
	s := structure{end: -1, orientation: 1, bytesPerPixel: 3}
	seenExif := false
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			return s
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0xD9: // EOI
			s.end = i + 2
			return s
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // standalone markers
			i += 2
			continue
		}
		if i+4 > len(b) {
			return s
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return s
		}
		seg := b[i+4 : i+2+n]
		switch {
		case m == 0xE1 && !seenExif && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			seenExif = true
			s.orientation = exifOrientation(seg[6:])
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			s.bytesPerPixel = jpegCost(m, seg)
		}
		i += 2 + n
		if m == 0xDA { // SOS: entropy-coded data follows
			for i+1 < len(b) {
				if b[i] == 0xFF {
					if n := b[i+1]; n != 0x00 && n != 0xFF && (n < 0xD0 || n > 0xD7) {
						break
					}
				}
				i++
			}
		}
	}
	return s
}

// jpegCost bounds the bytes a SOF's image costs Go's decoder per pixel:
// one byte per sample of the components, as subsampled (1.5 for 4:2:0
// colour), twice that for four components (CMYK is converted from a first
// image), and four more bytes per sample for a progressive image, whose
// coefficients (an int32 each) are all kept until the end.
func jpegCost(m byte, seg []byte) float64 {
	if len(seg) < 6 {
		return 3
	}
	nc := int(seg[5])
	if nc < 1 || len(seg) < 6+3*nc {
		return 3
	}
	hmax, vmax := 1, 1
	for c := 0; c < nc; c++ {
		hv := seg[6+3*c+1]
		hmax, vmax = max(hmax, int(hv>>4)), max(vmax, int(hv&0x0F))
	}
	samples := 0.0
	for c := 0; c < nc; c++ {
		hv := seg[6+3*c+1]
		samples += float64(int(hv>>4)*int(hv&0x0F)) / float64(hmax*vmax)
	}
	cost := samples
	if nc == 4 {
		cost *= 2
	}
	if m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE { // progressive
		cost += 4 * samples
	}
	return max(cost, 1)
}

// inspectPNG walks the chunks to IEND, reading the cost from IHDR (8 or
// 16 bits a sample, interlaced or not) and the orientation from eXIf.
func inspectPNG(b []byte) structure {
	s := structure{end: -1, orientation: 1, bytesPerPixel: 4}
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return s
		}
		typ, data := string(b[i+4:i+8]), b[i+8:i+8+n]
		switch typ {
		case "IHDR":
			if n >= 13 {
				if data[8] == 16 {
					s.bytesPerPixel = 8
				}
				if data[12] == 1 { // Adam7: the passes, then the image
					s.bytesPerPixel *= 2
				}
			}
		case "eXIf":
			s.orientation = exifOrientation(data)
		case "IEND":
			s.end = i + 12 + n
			return s
		}
		i += 12 + n
	}
	return s
}

// inspectGIF walks the blocks to the trailer. Only the first frame is
// decoded (one byte a pixel).
func inspectGIF(b []byte) structure {
	s := structure{end: -1, orientation: 1, bytesPerPixel: 1}
	if len(b) < 13 {
		return s
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (int(b[10]&7) + 1)
	}
	subBlocks := func() bool {
		for i < len(b) {
			n := int(b[i])
			i++
			if n == 0 {
				return true
			}
			i += n
		}
		return false
	}
	for i < len(b) {
		switch b[i] {
		case 0x3B: // trailer
			s.end = i + 1
			return s
		case 0x21: // extension: label, sub-blocks
			i += 2
			if !subBlocks() {
				return s
			}
		case 0x2C: // image descriptor, local colour table, LZW code size, sub-blocks
			if i+10 > len(b) {
				return s
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (int(flags&7) + 1)
			}
			i++
			if !subBlocks() {
				return s
			}
		default:
			return s
		}
	}
	return s
}

// inspectWebP takes the end from the RIFF header and walks the chunks for
// the kind of bitstream (lossless costs more to decode) and an EXIF chunk.
func inspectWebP(b []byte) structure {
	s := structure{end: -1, orientation: 1, bytesPerPixel: 3}
	size := int64(binary.LittleEndian.Uint32(b[4:]))
	if 8+size > int64(len(b)) {
		return s
	}
	s.end = 8 + int(size)
	for i := 12; i+8 <= s.end; {
		n := int64(binary.LittleEndian.Uint32(b[i+4:]))
		if int64(i)+8+n > int64(s.end) {
			return s
		}
		data := b[i+8 : i+8+int(n)]
		switch string(b[i : i+4]) {
		case "VP8L": // NRGBA plus the decoder's own uint32 a pixel and transforms
			s.bytesPerPixel = 12
		case "EXIF":
			s.orientation = exifOrientation(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
		}
		i += 8 + int(n) + int(n&1)
	}
	return s
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 of a TIFF
// structure (the payload of an Exif segment after "Exif\0\0"). It bounds
// every offset by the slice and returns 1 for anything it cannot read or
// any value outside 1–8.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off+2 > uint64(len(t)) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	p := off + 2
	for k := 0; k < count && p+12 <= uint64(len(t)); k, p = k+1, p+12 {
		if bo.Uint16(t[p:]) != 0x0112 {
			continue
		}
		// type SHORT (3), count ≥ 1: the value is in the entry's first two bytes
		if bo.Uint16(t[p+2:]) != 3 || bo.Uint32(t[p+4:]) < 1 {
			return 1
		}
		if v := int(bo.Uint16(t[p+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
