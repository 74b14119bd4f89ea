package testutil_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v62/github"

	"github.com/hopcheck/hopcheck/internal/sim"
	"github.com/hopcheck/hopcheck/internal/testutil"
)

func TestParseOutputs(t *testing.T) {
	got, err := testutil.ParseOutputs("status=fail\n\ncause=a=b\r\nsummary<<EOF_1\nline 1\n\nx=y\nEOF_1\nlink=a<<b\nnote<<X\rone\rX\nstatus=pass\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"status": "pass", "cause": "a=b", "summary": "line 1\n\nx=y", "link": "a<<b", "note": "one"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
	for _, bad := range []string{"just text\n", "=v\n", "<<EOF\nx\nEOF\n", "a<<\nx\n", "a<<EOF\nx\n", "a<<EOF\nx\nEOF \n"} {
		if out, err := testutil.ParseOutputs(bad); err == nil {
			t.Errorf("ParseOutputs(%q) = %v, want an error", bad, out)
		}
	}
}

func TestParseCommands(t *testing.T) {
	stdout := "plain line\n" +
		"::error file=hopcheck.yml,line=12,col=7,title=hopcheck%3A a %2C b::first%0Asecond %25 %250A\n" +
		"  \t::add-mask::sk-abc\n" +
		"::notice::a :: in the message\n" +
		"::not a command\n" +
		"::warning  title=x ::w\r\n" +
		"::debug::x"
	cmds, plain, err := testutil.ParseCommands(stdout)
	if err != nil {
		t.Fatal(err)
	}
	want := []testutil.Command{
		{Name: "error", Props: map[string]string{"file": "hopcheck.yml", "line": "12", "col": "7", "title": "hopcheck: a , b"},
			Message: "first\nsecond % %0A", Raw: "::error file=hopcheck.yml,line=12,col=7,title=hopcheck%3A a %2C b::first%0Asecond %25 %250A"},
		{Name: "add-mask", Props: map[string]string{}, Message: "sk-abc", Raw: "::add-mask::sk-abc"},
		{Name: "notice", Props: map[string]string{}, Message: "a :: in the message", Raw: "::notice::a :: in the message"},
		{Name: "warning", Props: map[string]string{"title": "x"}, Message: "w", Raw: "::warning  title=x ::w"},
		{Name: "debug", Props: map[string]string{}, Message: "x", Raw: "::debug::x"},
	}
	if d := cmp.Diff(want, cmds); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"plain line", "::not a command"}, plain); d != "" {
		t.Errorf("plain (-want +got):\n%s", d)
	}
	if n := len(testutil.Named(cmds, "error")); n != 1 {
		t.Errorf("Named(error) = %d commands", n)
	}
	cmds, _, err = testutil.ParseCommands("::error file=a,line,title=::x\n")
	if err == nil || len(cmds) != 1 || len(cmds[0].Props) != 1 {
		t.Errorf("malformed properties: cmds %+v, err %v; want the command with file only, and an error", cmds, err)
	}
}

// TestGitHub drives the fake with the client hopcheck uses, the way
// hopcheck reaches it from GITHUB_API_URL.
func TestGitHub(t *testing.T) {
	api := testutil.NewGitHub(t)
	api.ServePR("o/r", 5, testutil.Comment{ID: 11, Login: "mallory", UserType: "User", Body: "old"})
	api.ServeCheckRuns("o/r")
	api.ServeUser(nil)
	gh, err := github.NewClient(nil).WithAuthToken("tok").WithEnterpriseURLs(api.URL, api.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, _, err := gh.Issues.ListComments(ctx, "o", "r", 5, nil)
	if err != nil || len(list) != 1 || list[0].GetUser().GetLogin() != "mallory" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, _, err := gh.Issues.EditComment(ctx, "o", "r", 11, &github.IssueComment{Body: github.String("new")}); err != nil {
		t.Fatal(err)
	}
	c, _, err := gh.Issues.CreateComment(ctx, "o", "r", 5, &github.IssueComment{Body: github.String("mine")})
	if err != nil || c.GetUser().GetLogin() != "github-actions[bot]" {
		t.Fatalf("create = %+v, %v", c, err)
	}
	if _, resp, err := gh.Users.Get(ctx, ""); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /user: %v, want 403", err)
	}
	if _, _, err := gh.Checks.CreateCheckRun(ctx, "o", "r", github.CreateCheckRunOptions{Name: "hopcheck", HeadSHA: "abc"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /repos/o/r/issues/5/comments", "PATCH /repos/o/r/issues/comments/11",
		"POST /repos/o/r/issues/5/comments", "GET /user", "POST /repos/o/r/check-runs"}
	if d := cmp.Diff(want, api.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]testutil.CommentWrite{{Edited: 11, Body: "new"}, {Body: "mine"}}, api.Written()); d != "" {
		t.Errorf("written (-want +got):\n%s", d)
	}
	for _, r := range api.Requests() {
		if r.Auth != "Bearer tok" {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	if p := api.Payloads(); !strings.Contains(p, "PATCH /repos/o/r/issues/comments/11\n{\"body\":\"new\"}") {
		t.Errorf("payloads:\n%s", p)
	}

	forked := testutil.NewGitHub(t)
	forked.ForbidAll()
	resp, err := http.Get(forked.APIURL() + "repos/o/r/issues/5/comments")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Accepted-GitHub-Permissions") == "" {
		t.Errorf("ForbidAll: %s", resp.Status)
	}
}

func TestGitHubNextLink(t *testing.T) {
	api := testutil.NewGitHub(t)
	api.Handle("GET /repos/o/r/issues/5/comments", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			testutil.WriteJSON(w, 200, []map[string]any{{"id": 2}})
			return
		}
		w.Header().Set("Link", api.NextLink("/repos/o/r/issues/5/comments", 2))
		testutil.WriteJSON(w, 200, []map[string]any{{"id": 1}})
	})
	gh, _ := github.NewClient(nil).WithEnterpriseURLs(api.URL, api.URL)
	_, resp, err := gh.Issues.ListComments(context.Background(), "o", "r", 5, nil)
	if err != nil || resp.NextPage != 2 {
		t.Fatalf("next page %v, err %v", resp, err)
	}
}

func TestRawServerAndBlackhole(t *testing.T) {
	s := testutil.NewRawServer(t, func(c net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
			_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
		}
	})
	resp, err := http.Get(s.URL())
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("raw server: %v %v", resp, err)
	}
	resp.Body.Close()
	if s.Accepted() != 1 {
		t.Errorf("accepted %d", s.Accepted())
	}

	b := testutil.Blackhole(t)
	c := http.Client{Timeout: 200 * time.Millisecond}
	if _, err := c.Get("http://" + b.Addr()); err == nil {
		t.Error("the blackhole answered")
	}
	if b.Accepted() != 1 {
		t.Errorf("blackhole accepted %d", b.Accepted())
	}
}

func TestFreePort(t *testing.T) {
	p := testutil.FreePort(t)
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		t.Fatalf("port %d is not free: %v", p, err)
	}
	ln.Close()
	// Below the ephemeral range, so no 127.0.0.1:0 listener can take it.
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var lo, hi int
		if _, err := fmt.Sscan(string(b), &lo, &hi); err == nil && lo > 10000 && p >= lo {
			t.Errorf("port %d is in the ephemeral range %d-%d", p, lo, hi)
		}
	}
}

func TestAllowLoopback(t *testing.T) {
	if testutil.LoopbackNet != sim.LoopbackNet {
		t.Errorf("LoopbackNet %s, the simulator listens on %s", testutil.LoopbackNet, sim.LoopbackNet)
	}
	a := testutil.AllowLoopback(t, "gw.example")
	for host, want := range map[string]bool{"127.0.0.1": true, "127.0.0.2": true, "gw.example": true, "10.0.0.1": false, "openrouter.ai": false} {
		if got := a.Match(host, "443"); got != want {
			t.Errorf("Match(%s) = %v, want %v", host, got, want)
		}
	}
}
