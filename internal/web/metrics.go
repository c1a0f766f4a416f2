package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics counts requests and latencies per route in the Prometheus text
// format. Labels are route patterns, never raw paths, so cardinality stays
// bounded and no identifiers leak.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status class
	buckets  map[string][]uint64  // route -> cumulative counts per bound
	sums     map[string]float64
	counts   map[string]uint64
	start    time.Time
}

var latencyBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, buckets: map[string][]uint64{},
		sums: map[string]float64{}, counts: map[string]uint64{}, start: time.Now()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	class := fmt.Sprintf("%dxx", status/100)
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, class}]++
	b := m.buckets[route]
	if b == nil {
		b = make([]uint64, len(latencyBounds))
		m.buckets[route] = b
	}
	for i, bound := range latencyBounds {
		if secs <= bound {
			b[i]++
		}
	}
	m.sums[route] += secs
	m.counts[route]++
}

func (m *metrics) write(w *strings.Builder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.WriteString("# HELP upstream_http_requests_total HTTP requests by route and status class.\n# TYPE upstream_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	var errs uint64
	for _, k := range keys {
		fmt.Fprintf(w, "upstream_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
		if k[1] == "5xx" {
			errs += m.requests[k]
		}
	}
	w.WriteString("# HELP upstream_http_errors_total HTTP responses with a 5xx status.\n# TYPE upstream_http_errors_total counter\n")
	fmt.Fprintf(w, "upstream_http_errors_total %d\n", errs)
	w.WriteString("# HELP upstream_http_request_duration_seconds HTTP request latency by route.\n# TYPE upstream_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.buckets))
	for r := range m.buckets {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		for i, bound := range latencyBounds {
			fmt.Fprintf(w, "upstream_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", r, bound, m.buckets[r][i])
		}
		fmt.Fprintf(w, "upstream_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, m.counts[r])
		fmt.Fprintf(w, "upstream_http_request_duration_seconds_sum{route=%q} %g\n", r, m.sums[r])
		fmt.Fprintf(w, "upstream_http_request_duration_seconds_count{route=%q} %d\n", r, m.counts[r])
	}
	w.WriteString("# HELP upstream_uptime_seconds Seconds since the server started.\n# TYPE upstream_uptime_seconds gauge\n")
	fmt.Fprintf(w, "upstream_uptime_seconds %g\n", time.Since(m.start).Seconds())
}

// metricsHandler answers only a scraper holding the metrics token. Reporter
// routes are never counted (see observe), so nothing here says when a
// report arrived.
func (s *opsHandlers) metricsHandler(w http.ResponseWriter, r *http.Request) {
	want := s.cfg.MetricsToken
	if want == "" {
		http.NotFound(w, r)
		return
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		http.Error(w, "metrics need the bearer token set in UPSTREAM_METRICS_TOKEN", http.StatusUnauthorized)
		return
	}
	var b strings.Builder
	s.metrics.write(&b)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(b.String()))
}
