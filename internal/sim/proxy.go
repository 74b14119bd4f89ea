package sim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

// nginxVersion is the Server header of the simulated reverse proxy.
const nginxVersion = "nginx/1.22.1"

// ReverseProxy returns a reverse proxy in front of upstream (a base URL,
// e.g. http://127.0.0.1:43117), like nginx with `proxy_pass`. The request
// path is appended to upstream's path and the Host header is upstream's
// (nginx's default `proxy_set_header Host $proxy_host`). With dropAuth it
// removes Authorization, like `proxy_set_header Authorization "";`.
// Upstream failures are answered with nginx's 502 page. Only loopback
// upstreams are contacted.
func ReverseProxy(upstream string, dropAuth bool) http.Handler {
	target, err := url.Parse(upstream)
	if err != nil || !isLoopbackURL(upstream) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { nginxPage(w, http.StatusBadGateway) })
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			if dropAuth {
				pr.Out.Header.Del("Authorization")
			}
		},
		Transport:     loopbackTransport(),
		FlushInterval: -1, // stream SSE through immediately, like proxy_buffering off
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("Server", nginxVersion)
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // client gone (nginx logs 499)
			}
			nginxPage(w, http.StatusBadGateway)
		},
	}
}

// nginxPage writes nginx's default error page for status.
func nginxPage(w http.ResponseWriter, status int) {
	w.Header().Set("Server", nginxVersion)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	line := fmt.Sprintf("%d %s", status, http.StatusText(status))
	_, _ = io.WriteString(w, "<html>\r\n<head><title>"+line+"</title></head>\r\n<body>\r\n<center><h1>"+
		line+"</h1></center>\r\n<hr><center>"+nginxVersion+"</center>\r\n</body>\r\n</html>\r\n")
}

// Redirect returns a handler answering every request with a redirect of
// the given code (301, 302, 307, 308) to `to` (scheme://host[:port][/base])
// followed by the request's own path and query — a site that moved to
// another host, as a load balancer or `return 307 https://…$request_uri;`
// does.
func Redirect(to string, code int) http.Handler {
	base := strings.TrimRight(to, "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", base+r.URL.RequestURI())
		nginxPage(w, code)
	})
}
