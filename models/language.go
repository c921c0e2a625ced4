package models

import "golang.org/x/text/language"

// BrowserLanguage is the UI's language for a first visit (and the
// language of the API's messages for people), from the
// browser's Accept-Language: Chinese when the browser prefers Chinese (any
// script or region: the UI is in Simplified Chinese) before English,
// English when it prefers English or names only other languages (an
// overseas visitor reads English sooner than Chinese), Chinese when it
// says nothing.
func BrowserLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return LangZH
	}
	for _, t := range tags {
		switch base, _ := t.Base(); base.String() {
		case "zh":
			return LangZH
		case "en":
			return LangEN
		}
	}
	return LangEN
}
