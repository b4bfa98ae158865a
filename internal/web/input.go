package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every piece of text that comes in — a path, a query parameter, a form
// field, a string in a JSON body — is valid UTF-8 without control
// characters, or the request is refused with 400 before any handler sees
// it. Tabs and line breaks are kept in fields, where a task's text may hold
// them; a path or a query has no use for them. The databases would
// otherwise refuse (PostgreSQL: NUL, invalid UTF-8) or store (SQLite) what
// no page can show.

// maxQueryValue bounds a query parameter in characters: no search or filter
// needs more, and SQLite refuses LIKE patterns past 50,000 bytes.
const maxQueryValue = 500

// errBadText is text that is not valid UTF-8 or holds control characters.
func errBadText(where string) error {
	return badRequest(where + "含有无效字符（不是 UTF-8 编码的文字，或含有控制字符），请检查后重新提交。")
}

// badText reports whether s is not valid UTF-8 or holds a control
// character other than, when multiline, tab and line breaks.
func badText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\t' || r == '\n' || r == '\r'))
	})
}

// fieldLabel names a parameter in a message, if it is printable.
func fieldLabel(kind, key string) string {
	if key == "" || badText(key, false) || utf8.RuneCountInString(key) > 40 {
		return kind
	}
	return kind + " " + key + " "
}

// checkQuery checks the path and the query of a request.
func checkQuery(r *http.Request) error {
	if badText(r.URL.Path, false) {
		return errBadText("网址")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("网址中的查询参数格式不正确。")
	}
	return checkValues(q, "参数", false, maxQueryValue)
}

// checkForm checks the fields of a parsed form.
func checkForm(form url.Values) error { return checkValues(form, "字段", true, 0) }

// checkValues checks the keys and values of a query or form; max bounds a
// value in characters when it is not 0.
func checkValues(vals url.Values, kind string, multiline bool, max int) error {
	for k, vs := range vals {
		if badText(k, false) {
			return errBadText(kind + "名")
		}
		for _, v := range vs {
			if badText(v, multiline) {
				return errBadText(fieldLabel(kind, k))
			}
			if max > 0 && utf8.RuneCountInString(v) > max {
				return badRequest(fmt.Sprintf("%s过长：不能超过 %d 个字符。", fieldLabel(kind, k), max))
			}
		}
	}
	return nil
}

// checkInput checks everything a page request carries but a file: the
// path, the query and a url-encoded form, which it parses. Multipart forms
// (uploads) are checked where they are parsed, under the upload's size
// limit; the API's bodies where they are decoded.
func checkInput(r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	if isAPI(r) || r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
			return &httpError{code: http.StatusRequestEntityTooLarge, msg: "提交的内容过大。"}
		}
		return badRequest("表单格式不正确，请从页面重新提交。")
	}
	return checkForm(r.PostForm)
}

// checkJSONText checks every string in a decoded JSON value.
func checkJSONText(v any) error {
	var bad string
	var walk func(reflect.Value) bool
	walk = func(v reflect.Value) bool {
		switch v.Kind() {
		case reflect.String:
			return !badText(v.String(), true)
		case reflect.Pointer, reflect.Interface:
			return v.IsNil() || walk(v.Elem())
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				if !walk(v.Index(i)) {
					return false
				}
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				if !walk(it.Key()) || !walk(it.Value()) {
					return false
				}
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if !v.Type().Field(i).IsExported() {
					continue
				}
				if !walk(v.Field(i)) {
					if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); tag != "" && bad == "" {
						bad = tag
					}
					return false
				}
			}
		}
		return true
	}
	if !walk(reflect.ValueOf(v)) {
		return errBadText(fieldLabel("字段", bad))
	}
	return nil
}
