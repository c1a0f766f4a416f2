package web

import (
	"html/template"
	"net/http"
	"sync/atomic"
)

// Handoff is the server's handler from the moment it listens: until Set
// gives it the application, it answers every request itself, so that a
// server that is still migrating, recomputing or filling the demo
// organisation is seen to be up rather than refusing connections. /healthz
// says the process is alive, /readyz that it is not ready yet, and every
// other address gets a small page (no script, reloading itself) saying what
// the server is doing.
type Handoff struct {
	doing string
	app   atomic.Pointer[http.Handler]
}

// NewHandoff returns a Handoff whose waiting page says the server is
// doing what ("preparing the demo data").
func NewHandoff(doing string) *Handoff { return &Handoff{doing: doing} }

// Set hands every later request to app.
func (h *Handoff) Set(app http.Handler) { h.app.Store(&app) }

func (h *Handoff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if app := h.app.Load(); app != nil {
		(*app).ServeHTTP(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	switch r.URL.Path {
	case "/healthz":
		hd.Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
		return
	case "/readyz":
		hd.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting: " + h.doing + "\n"))
		return
	}
	hd.Set("Retry-After", "5")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		waitingPage.Execute(w, h.doing)
	}
}

var waitingPage = template.Must(template.New("waiting").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Upstream is starting</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:3em auto;max-width:34em;padding:0 1em;color:#1a1a1a}</style>
</head>
<body>
<main>
<h1>Upstream is starting</h1>
<p id="doing">The server is {{.}}. This page reloads itself every few seconds and opens the application once it is ready.</p>
</main>
</body>
</html>
`))
