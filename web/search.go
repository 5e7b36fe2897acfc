package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/search"
	"github.com/opengovcall/convene/store"
)

// searchPageSize is how many results one page of a search shows; maxSearchPage how far a search
// pages.
const (
	searchPageSize = 20
	maxSearchPage  = 50
	snippetLength  = 240
)

// searchRoutes registers search across the instance and within a community, and its JSON API.
func (s *Server) searchRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /search", s.searchPage)
	handle("GET /c/{slug}/search", s.searchPage)
	api("GET /api/v1/communities/{slug}/search", s.apiSearch)
}

type searchPage struct {
	base
	Form      Form
	Searched  bool // a query was given and understood
	Total     int
	Results   []searchResult
	PrevURL   string
	NextURL   string
	Community *convene.Community // nil for the instance
	Filtered  bool               // a filter is set or wrong: the filters are shown open
	MaxCount  int                // how far results are counted (store.MaxSearchCount)
}

type searchResult struct {
	Kind, KindLabel, Title, URL, Community string
	At                                     time.Time
	Snippet                                template.HTML
}

// searchRequest is what a search page or API call asks for, read from its query.
type searchRequest struct {
	filter store.SearchFilter
	text   string
	page   int
}

// readSearch reads a search from a query; errs says what is wrong with each field, and is empty
// when it can be run. A request without words is no search yet (ok false, no errors).
func readSearch(l *Localizer, q url.Values, c *convene.Community, zone string) (req searchRequest, ok bool, errs formErrors) {
	errs = formErrors{}
	req.text, req.page = q.Get("q"), 1
	if c != nil {
		req.filter.CommunityID = c.ID
	}
	if kind := q.Get("kind"); kind != "" {
		if !store.ValidSearchKind(kind) {
			errs["kind"] = l.T("search.kind.invalid")
		}
		req.filter.Kinds = []string{kind}
	}
	loc, err := convene.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	for _, d := range []struct {
		name string
		at   *time.Time
		add  int
	}{{"from", &req.filter.From, 0}, {"to", &req.filter.To, 1}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, loc)
			if err != nil || t.Year() < 1900 || t.Year() > 9999 {
				errs[d.name] = l.T("search.date.invalid")
				continue
			}
			*d.at = t.AddDate(0, 0, d.add) // "to" takes in its whole day
		}
	}
	if v := q.Get("jurisdiction"); v != "" {
		if !slices.Contains(convene.Jurisdictions, v) {
			errs["jurisdiction"] = l.T("search.filter.invalid")
		}
		req.filter.Jurisdiction = v
	}
	if v := q.Get("sector"); v != "" {
		if !slices.Contains(convene.Sectors, v) {
			errs["sector"] = l.T("search.filter.invalid")
		}
		req.filter.Sector = v
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSearchPage {
			errs["page"] = l.T("search.page.invalid", "Max", maxSearchPage)
		} else {
			req.page = n
		}
	}
	if req.text == "" && len(errs) == 0 {
		return req, false, errs
	}
	if query, err := search.ParseQuery(req.text); err != nil {
		errs["q"] = l.Err(err)
	} else {
		req.filter.Query = query
	}
	req.filter.Limit, req.filter.Offset = searchPageSize, (req.page-1)*searchPageSize
	return req, len(errs) == 0, errs
}

// searchPage searches the record of one community, or of every community of the instance.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	var c *convene.Community
	var b base
	var err error
	if r.PathValue("slug") != "" {
		if c, err = s.communityOf(r); err != nil {
			return err
		}
		if b, err = s.communityBase(r, c, ""); err != nil {
			return err
		}
		b.Title = b.L.T("search.title_in", "Community", c.Name)
	} else {
		b = s.newBase(r, "")
		b.Title = b.L.T("search.title")
	}
	l := b.L
	action := "/search"
	if c != nil {
		action = "/c/" + c.Slug + "/search"
	}
	p := searchPage{base: b, Community: c, MaxCount: store.MaxSearchCount, Form: Form{Action: action, Submit: l.T("search.submit"), Fields: searchFields(l, c != nil)}}
	q := r.URL.Query()
	req, ok, errs := readSearch(l, q, c, b.Zone)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	if ok {
		if req.filter.MemberOf, err = s.communitiesOfViewer(r); err != nil {
			return err
		}
		hits, total, err := s.store.Search(r.Context(), req.filter)
		if err != nil {
			return err
		}
		p.Searched, p.Total = true, total
		for _, h := range hits {
			p.Results = append(p.Results, searchResult{Kind: h.Kind, KindLabel: l.T("search.kind." + h.Kind), Title: titleIn(h, l.Lang), URL: h.Path,
				Community: h.CommunityName, At: h.At, Snippet: search.Snippet(h.Body, req.filter.Query, snippetLength)})
		}
		page := func(n int) string {
			v := url.Values{}
			for k, vs := range q {
				v[k] = vs
			}
			v.Set("page", strconv.Itoa(n))
			return action + "?" + v.Encode()
		}
		if req.page > 1 {
			p.PrevURL = page(req.page - 1)
		}
		if req.page*searchPageSize < total && req.page < maxSearchPage {
			p.NextURL = page(req.page + 1)
		}
	}
	for _, name := range []string{"kind", "from", "to", "jurisdiction", "sector"} {
		p.Filtered = p.Filtered || q.Get(name) != "" || errs[name] != ""
	}
	p.Form.Notice = errs["page"] // the form has no field for it
	delete(errs, "page")
	p.Form.build(q, errs, l)
	return s.render(w, status, "search", p)
}

// searchFields are the search form's fields; a community's search also filters by jurisdiction
// and sector (its initiatives').
func searchFields(l *Localizer, inCommunity bool) []Field {
	kinds := []Option{{Value: "", Label: l.T("search.kind.all")}}
	for _, k := range store.SearchKinds {
		kinds = append(kinds, Option{Value: k, Label: l.T("search.kind." + k)})
	}
	fields := []Field{
		{Name: "q", Label: l.T("search.field.q"), Type: "search", Max: search.MaxQueryLength, Hint: l.T("search.hint")},
		{Name: "kind", Label: l.T("search.field.kind"), Type: "select", Options: kinds},
		{Name: "from", Label: l.T("search.field.from"), Type: "date"},
		{Name: "to", Label: l.T("search.field.to"), Type: "date"},
	}
	if inCommunity {
		fields = append(fields,
			Field{Name: "jurisdiction", Label: l.T("people.field.jurisdiction"), Type: "select", Options: jurisdictionOptions(l, "people.filter.all_jurisdictions")},
			Field{Name: "sector", Label: l.T("people.field.sector"), Type: "select", Options: sectorOptions(l, "people.filter.all_sectors")})
	}
	return fields
}

// apiSearchResult is one thing found, as the API gives it.
type apiSearchResult struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Date        string `json:"date"`
	SnippetHTML string `json:"snippet_html"` // escaped text with the matching words in <mark>
}

// apiSearch searches a community's record: what the search page finds, as JSON.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	l := viewerOf(r).L
	q := r.URL.Query()
	req, ok, errs := readSearch(l, q, c, c.TimeZone)
	if len(errs) > 0 || !ok {
		if !ok && len(errs) == 0 {
			return convene.Invalid("search.empty", nil)
		}
		for _, name := range []string{"q", "kind", "from", "to", "jurisdiction", "sector", "page"} {
			if msg, bad := errs[name]; bad {
				return convene.Invalid("api.search.invalid", map[string]any{"Name": name, "Problem": msg})
			}
		}
	}
	if req.filter.MemberOf, err = s.communitiesOfViewer(r); err != nil {
		return err
	}
	hits, total, err := s.store.Search(r.Context(), req.filter)
	if err != nil {
		return err
	}
	out := struct {
		Query   string            `json:"query"`
		Total   int               `json:"total"`
		Page    int               `json:"page"`
		Results []apiSearchResult `json:"results"`
	}{Query: req.text, Total: total, Page: req.page, Results: []apiSearchResult{}}
	for _, h := range hits {
		out.Results = append(out.Results, apiSearchResult{Kind: h.Kind, Title: titleIn(h, l.Lang), URL: s.absURL(h.Path), Date: h.At.UTC().Format(time.RFC3339),
			SnippetHTML: string(search.Snippet(h.Body, req.filter.Query, snippetLength))})
	}
	return writeJSON(w, http.StatusOK, out)
}

// communitiesOfViewer lists the communities the signed-in viewer belongs to, whose members-only profiles
// their searches may find; none for anyone else (a token's holder included: the API's search is
// open data).
func (s *Server) communitiesOfViewer(r *http.Request) ([]int64, error) {
	v := viewerOf(r)
	if v.User == nil || isAPI(r) {
		return nil, nil
	}
	roles, err := s.store.RolesOfUser(r.Context(), v.User.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for id, role := range roles {
		if role != "" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// titleIn is a result's title in lang when it was translated, its original otherwise.
func titleIn(h store.SearchHit, lang string) string {
	if t := h.Titles[lang]; t != "" {
		return t
	}
	return h.Title
}
