package models

import "testing"

func TestHTTPStatusOfEveryCode(t *testing.T) {
	for code, want := range map[Code]int{
		CodeBadRequest: 400, CodeUnauthenticated: 401, CodeForbidden: 403, CodeNotFound: 404, CodeMethodNotAllowed: 405,
		CodeConflict: 409, CodePreconditionFailed: 412, CodeTooLarge: 413, CodeUnsupportedMediaType: 415,
		CodeValidation: 422, CodeRateLimited: 429, CodeUnavailable: 503, CodeStorageFull: 507, CodeInternal: 500, "no_such_code": 500, "": 500,
	} {
		if got := code.HTTPStatus(); got != want {
			t.Errorf("%q.HTTPStatus() = %d, want %d", code, got, want)
		}
	}
}
