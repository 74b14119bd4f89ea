package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// apiPrefix is where the fake serves the API: go-github puts /api/v3/
// after a GITHUB_API_URL that is not api.github.com (as on GHES), so
// hopcheck given URL as GITHUB_API_URL, and a client given APIURL, both
// land here.
const apiPrefix = "/api/v3"

// GitHub is a fake GitHub REST API on loopback. It records every request
// and serves what the test registers (Handle, or the ready-made ServePR,
// ServeCheckRuns, ServeUser, ForbidAll); any other request fails the test
// and gets a 404.
type GitHub struct {
	// URL is the server's root, the value for GITHUB_API_URL.
	URL string

	t      testing.TB
	mux    *http.ServeMux
	mu     sync.Mutex
	reqs   []APIRequest
	forbid bool
	writes []CommentWrite
	nextID int64
}

// APIRequest is one request the fake received; Path is the API path
// (without the /api/v3 prefix).
type APIRequest struct {
	Method, Path, Query, Auth string
	Body                      []byte
}

// NewGitHub starts a fake GitHub API, closed when the test ends.
func NewGitHub(t testing.TB) *GitHub {
	t.Helper()
	g := &GitHub{t: t, mux: http.NewServeMux(), nextID: 9000}
	g.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected GitHub API call %s %s", r.Method, r.URL.Path)
		WriteJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.reqs = append(g.reqs, APIRequest{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, apiPrefix),
			Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body})
		forbid := g.forbid
		g.mu.Unlock()
		if forbid {
			Forbidden(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		g.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// APIURL is the API's base URL with its trailing slash, for a client that
// takes the base verbatim (ghaction.Publisher.APIURL).
func (g *GitHub) APIURL() string { return g.URL + apiPrefix + "/" }

// Handle serves "METHOD /path" (an API path, e.g. "GET /user"; wildcards
// as in http.ServeMux) with h.
func (g *GitHub) Handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	g.mux.HandleFunc(method+" "+apiPrefix+path, h)
}

// Requests returns what the fake received, in order.
func (g *GitHub) Requests() []APIRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]APIRequest(nil), g.reqs...)
}

// Calls returns "METHOD /path" for every request, in order.
func (g *GitHub) Calls() []string {
	var out []string
	for _, r := range g.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Payloads returns every request as "METHOD /path" and its body, one
// after the other.
func (g *GitHub) Payloads() string {
	var b strings.Builder
	for _, r := range g.Requests() {
		fmt.Fprintf(&b, "%s %s\n%s\n", r.Method, r.Path, r.Body)
	}
	return b.String()
}

// NextLink is a Link header pointing at page of the API path.
func (g *GitHub) NextLink(path string, page int) string {
	u := url.URL{Path: apiPrefix + path, RawQuery: url.Values{"page": {strconv.Itoa(page)}, "per_page": {"100"}}.Encode()}
	return "<" + g.URL + u.String() + `>; rel="next"`
}

// ForbidAll answers every request 403, as GitHub answers the read-only
// token of a pull request from a fork.
func (g *GitHub) ForbidAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.forbid = true
}

// Comment is a pull-request comment the fake lists.
type Comment struct {
	ID       int64
	Login    string
	UserType string // "User" or "Bot"
	Body     string
}

// CommentWrite is a comment the client wrote: created (ID 0) or edited.
type CommentWrite struct {
	Edited int64
	Body   string
}

// ServePR serves the sticky-comment calls on pull request pr of repo
// ("owner/name"): the list answers existing (one page), a new comment is
// created (201, written by github-actions[bot]) and an existing one edited
// (200). Written returns what the client wrote.
func (g *GitHub) ServePR(repo string, pr int, existing ...Comment) {
	base := "/repos/" + repo + "/issues"
	g.Handle(fmt.Sprintf("GET %s/%d/comments", base, pr), func(w http.ResponseWriter, r *http.Request) {
		list := []map[string]any{}
		for _, c := range existing {
			list = append(list, map[string]any{"id": c.ID, "body": c.Body, "user": user(c.Login, c.UserType)})
		}
		WriteJSON(w, http.StatusOK, list)
	})
	g.Handle(fmt.Sprintf("POST %s/%d/comments", base, pr), func(w http.ResponseWriter, r *http.Request) {
		body := commentBody(g.t, r)
		g.mu.Lock()
		g.nextID++
		id := g.nextID
		g.writes = append(g.writes, CommentWrite{Body: body})
		g.mu.Unlock()
		WriteJSON(w, http.StatusCreated, map[string]any{"id": id, "body": body, "user": user("github-actions[bot]", "Bot")})
	})
	for _, c := range existing {
		g.Handle(fmt.Sprintf("PATCH %s/comments/%d", base, c.ID), func(w http.ResponseWriter, r *http.Request) {
			body := commentBody(g.t, r)
			g.mu.Lock()
			g.writes = append(g.writes, CommentWrite{Edited: c.ID, Body: body})
			g.mu.Unlock()
			WriteJSON(w, http.StatusOK, map[string]any{"id": c.ID, "body": body, "user": user(c.Login, c.UserType)})
		})
	}
}

// Written returns the comments the client created or edited, in order.
func (g *GitHub) Written() []CommentWrite {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]CommentWrite(nil), g.writes...)
}

// ServeCheckRuns accepts a check run on repo (201, id 7) and its updates.
func (g *GitHub) ServeCheckRuns(repo string) {
	g.Handle("POST /repos/"+repo+"/check-runs", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusCreated, map[string]any{"id": 7})
	})
	g.Handle("PATCH /repos/"+repo+"/check-runs/7", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]any{"id": 7})
	})
}

// ServeUser answers GET /user with u, or, when u is nil, 403 as GitHub
// answers the workflow's installation token (GITHUB_TOKEN).
func (g *GitHub) ServeUser(u map[string]any) {
	g.Handle("GET /user", func(w http.ResponseWriter, r *http.Request) {
		if u == nil {
			Forbidden(w, r)
			return
		}
		WriteJSON(w, http.StatusOK, u)
	})
}

// WriteJSON answers status with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Forbidden answers as GitHub does a token that lacks the permission.
func Forbidden(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Accepted-GitHub-Permissions", "issues=write; pull_requests=write")
	WriteJSON(w, http.StatusForbidden, map[string]string{
		"message":           "Resource not accessible by integration",
		"documentation_url": "https://docs.github.com/rest",
		"status":            "403",
	})
}

func user(login, typ string) map[string]any {
	return map[string]any{"login": login, "id": len(login), "type": typ}
}

func commentBody(t testing.TB, r *http.Request) string {
	var c struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
		t.Errorf("%s %s: the comment is not JSON: %v", r.Method, r.URL.Path, err)
	}
	return c.Body
}
