package server

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/szdc/talenthub/models"
)

// FuzzDecode: the request decoder never panics; what it refuses is a 4xx
// error; what it accepts is valid UTF-8, one JSON object, and decodes the
// same with the standard decoder (so no key given twice, nothing unknown).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"明","skills":["原画"],"years_experience":3}`, `{}`, `null`, `[]`, `{"name":"a","name":"b"}`,
		`{"Name":"a","name":"b"}`, `{"id":"x"}`, `{"name":{"$gt":""}}`, `{"works":[{"title":"t","tags":["a"]}]}`, "{\"name\":\"\xff\"}",
		`{"name":"a"} {}`, `[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]`, `{"available":"yes"}`, `{"years_experience":1e309}`, ` {"bio":"x"} `} {
		f.Add([]byte(s))
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		fctx := &fasthttp.RequestCtx{}
		fctx.Request.Header.SetContentType("application/json")
		fctx.Request.SetBody(body)
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		var in models.TalentInput
		err := decode(c, &in)
		if err != nil {
			if code := models.ErrorCode(err); code.HTTPStatus() < 400 || code.HTTPStatus() >= 500 {
				t.Fatalf("decode(%q): %v (code %q), want a 4xx", body, err, code)
			}
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("decode accepted invalid UTF-8: %q", body)
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil || obj == nil {
			t.Fatalf("decode accepted what is not one JSON object: %q", body)
		}
		var again models.TalentInput
		if err := json.Unmarshal(body, &again); err != nil || !reflect.DeepEqual(in, again) {
			t.Fatalf("decode(%q) = %+v; the standard decoder says %+v, %v", body, in, again, err)
		}
	})
}
