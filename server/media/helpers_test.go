package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Colours of the four quadrants of quad: top-left, top-right, bottom-left,
// bottom-right.
var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// quad is a w×h image of four flat quadrants, so that a turn or a mirror
// shows in which colour lands in which corner.
func quad(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := white
			switch {
			case x < w/2 && y < h/2:
				c = red
			case y < h/2:
				c = green
			case x < w/2:
				c = blue
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func encJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withSegment inserts a JPEG segment (marker, payload) right after SOI.
func withSegment(j []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// The recognisable parts of the Exif segment built by exifSegment: the
// camera's serial number and the GPS latitude (48°51'29.57"N) as TIFF
// rationals, which no output may hold.
const cameraSerial = "SERIAL-12345"

var gpsLatitude = func() []byte {
	b := make([]byte, 24)
	for i, v := range []uint32{48, 1, 51, 1, 2957, 100} {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}()

// exifSegment builds the payload of an APP1 Exif segment by hand: a
// little-endian TIFF structure whose IFD0 holds Make, Orientation, the
// body serial number and a pointer to a GPS IFD with latitude and
// longitude.
func exifSegment(orientation uint16) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8)) // IFD0 at 8
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline if ≤ 4 bytes, else placed after the IFD
	}
	u16 := func(v uint16) []byte { b := make([]byte, 4); le.PutUint16(b, v); return b }
	u32 := func(v uint32) []byte { b := make([]byte, 4); le.PutUint32(b, v); return b }
	// Layout: IFD0 at 8 (5 entries), its data, the GPS IFD (4 entries), its data.
	ifd0 := []entry{
		{0x010F, 2, 8, []byte("TestCam\x00")},
		{0x0112, 3, 1, u16(orientation)},
		{0x8825, 4, 1, nil}, // GPS IFD offset, set below
		{0xA431, 2, uint32(len(cameraSerial) + 1), []byte(cameraSerial + "\x00")},
	}
	gps := []entry{
		{0x0001, 2, 2, []byte("N\x00")},
		{0x0002, 5, 3, gpsLatitude},
		{0x0003, 2, 2, []byte("E\x00")},
		{0x0004, 5, 3, func() []byte {
			b := make([]byte, 24)
			for i, v := range []uint32{2, 1, 17, 1, 4012, 100} {
				le.PutUint32(b[4*i:], v)
			}
			return b
		}()},
	}
	size := func(es []entry) int {
		n := 2 + 12*len(es) + 4
		for _, e := range es {
			if len(e.value) > 4 {
				n += len(e.value)
			}
		}
		return n
	}
	gpsOff := uint32(8 + size(ifd0))
	ifd0[2].value = u32(gpsOff)
	write := func(es []entry, at uint32) {
		binary.Write(&t, le, uint16(len(es)))
		data := at + 2 + 12*uint32(len(es)) + 4
		var extra []byte
		for _, e := range es {
			binary.Write(&t, le, e.tag)
			binary.Write(&t, le, e.typ)
			binary.Write(&t, le, e.count)
			if len(e.value) <= 4 {
				v := make([]byte, 4)
				copy(v, e.value)
				t.Write(v)
			} else {
				binary.Write(&t, le, data+uint32(len(extra)))
				extra = append(extra, e.value...)
			}
		}
		binary.Write(&t, le, uint32(0)) // no next IFD
		t.Write(extra)
	}
	write(ifd0, 8)
	write(gps, gpsOff)
	return append([]byte("Exif\x00\x00"), t.Bytes()...)
}

// pngChunk is a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(b, uint32(len(data)))
	copy(b[4:], typ)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// ihdr is an IHDR chunk's data: w×h, 8-bit greyscale.
func ihdr(w, h uint32, depth, colorType byte) []byte {
	d := make([]byte, 13)
	binary.BigEndian.PutUint32(d, w)
	binary.BigEndian.PutUint32(d[4:], h)
	d[8], d[9] = depth, colorType
	return d
}

// zeroPNG is a valid w×h 8-bit greyscale PNG of black pixels, its IDAT
// streamed through zlib row by row: a large image in a small file, made
// without holding its pixels.
func zeroPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+w)
	for y := 0; y < h; y++ {
		if _, err := z.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr(uint32(w), uint32(h), 8, 0))...)
	out = append(out, pngChunk("IDAT", idat.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}
