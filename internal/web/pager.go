package web

import (
	"net/url"
	"strconv"
)

// pager is the page links under a long list.
type pager struct {
	Prev, Next string // "" at either end
	Links      []pageLink
}

// pageLink is one page number, or a gap ("…") when Href and Current are empty.
type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// newPager links the pages of a list shown per pages at a time; base holds
// the query the list was asked with. It is nil when one page holds it all.
func newPager(path string, base url.Values, page, pages int) *pager {
	if pages <= 1 {
		return nil
	}
	href := func(n int) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		} else {
			v.Del("page")
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	p := &pager{}
	if page > 1 {
		p.Prev = href(page - 1)
	}
	if page < pages {
		p.Next = href(page + 1)
	}
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-3 || n > page+3) {
			if l := len(p.Links); l == 0 || !p.Links[l-1].Gap {
				p.Links = append(p.Links, pageLink{Gap: true})
			}
			continue
		}
		p.Links = append(p.Links, pageLink{N: n, Href: href(n), Current: n == page})
	}
	return p
}
