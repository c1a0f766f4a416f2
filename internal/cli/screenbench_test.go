package cli_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// The side-by-side HTTP benchmark of single-name screening. It runs only
// when UPSTREAM_SCREEN_BENCH=1, because it takes a minute or two:
//
//	UPSTREAM_SCREEN_BENCH=1 UPSTREAM_BENCH_WATCHMAN=http://127.0.0.1:18084 \
//	  go test ./internal/cli -run TestScreenHTTPSideBySide -v -timeout 20m
//
// It starts `upstream serve` in this process on 127.0.0.1 with the OFAC SDN
// sample files (UPSTREAM_WATCHLISTS), signs in an admin,
// creates an API token, and drives POST /api/v1/screen with the names of
// the labelled set (internal/screening/testdata/eval.csv), name only, from
// a closed loop of concurrent clients over kept-alive connections. When
// UPSTREAM_BENCH_WATCHMAN names a running moov-io/watchman loaded with the
// same SDN files, the same loop drives its GET /v2/search?name=...&limit=10
// with the same names and concurrency, and both are reported side by side.
// It also scores both on the labelled set (top hit is the expected entity).

type benchQuery struct {
	kind, name, country, want string
}

func readBenchQueries(t *testing.T) []benchQuery {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "screening", "testdata", "eval.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var qs []benchQuery
	for _, r := range rows[1:] {
		qs = append(qs, benchQuery{kind: r[0], name: r[1], country: r[2], want: r[3]})
	}
	return qs
}

// benchEnvInt reads a positive integer option of the benchmark.
func benchEnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// target is one server under load: how to ask it one name, and how to read
// its best hit (entity id and score) from the answer.
type target struct {
	name string
	req  func(q benchQuery, withCountry, sweep bool) *http.Request
	best func(body []byte) (id string, score float64, err error)
}

type loadResult struct {
	n, errors     int
	elapsed       time.Duration
	p50, p90, p99 time.Duration
}

func (r loadResult) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

// runLoad sends total requests (cycling through the queries) from conc
// clients, or stops at maxTime, and returns throughput and latencies.
func runLoad(c *http.Client, tg target, qs []benchQuery, conc, total int, maxTime time.Duration) loadResult {
	var next atomic.Int64
	var errs atomic.Int64
	lat := make([]time.Duration, total)
	deadline := time.Now().Add(maxTime)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total || time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				res, err := c.Do(tg.req(qs[i%len(qs)], false, false))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != 200 {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	n := min(int(next.Load()), total)
	done := make([]time.Duration, 0, n)
	for _, d := range lat[:n] {
		if d > 0 {
			done = append(done, d)
		}
	}
	sort.Slice(done, func(i, j int) bool { return done[i] < done[j] })
	pct := func(p float64) time.Duration {
		if len(done) == 0 {
			return 0
		}
		return done[min(len(done)-1, int(p*float64(len(done))))]
	}
	return loadResult{n: len(done), errors: int(errs.Load()), elapsed: el, p50: pct(0.50), p90: pct(0.90), p99: pct(0.99)}
}

type accuracy struct{ tp, fp, fn, tn int }

func (a accuracy) precision() float64 { return ratio(a.tp, a.tp+a.fp) }
func (a accuracy) recall() float64    { return ratio(a.tp, a.tp+a.fn) }
func (a accuracy) f1() float64 {
	p, r := a.precision(), a.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// bestHits asks the target once per query and keeps its best hit.
func bestHits(t *testing.T, c *http.Client, tg target, qs []benchQuery, withCountry bool) (ids []string, scores []float64) {
	t.Helper()
	ids, scores = make([]string, len(qs)), make([]float64, len(qs))
	for i, q := range qs {
		res, err := c.Do(tg.req(q, withCountry, true))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %q: status %d: %s", tg.name, q.name, res.StatusCode, body)
		}
		if ids[i], scores[i], err = tg.best(body); err != nil {
			t.Fatal(err)
		}
	}
	return ids, scores
}

// score counts the labelled set at a threshold: a positive is found when
// the best hit at or above it is the expected entity; any hit on a
// negative is a false positive.
func score(qs []benchQuery, ids []string, scores []float64, th float64, kind string) accuracy {
	var a accuracy
	for i, q := range qs {
		if kind != "" && q.kind != kind {
			continue
		}
		hit := ids[i] != "" && scores[i] >= th
		switch {
		case q.want == "" && !hit:
			a.tn++
		case q.want == "":
			a.fp++
		case !hit:
			a.fn++
		case ids[i] == q.want:
			a.tp++
		default:
			a.fp++
			a.fn++
		}
	}
	return a
}

func TestScreenHTTPSideBySide(t *testing.T) {
	t.Parallel()
	if os.Getenv("UPSTREAM_SCREEN_BENCH") != "1" {
		t.Skip("set UPSTREAM_SCREEN_BENCH=1 to run the HTTP screening benchmark")
	}
	sdn := testkit.Data(t, "samples", "watchlists", "ofac_sdn_2021", "sdn.csv")
	dir := t.TempDir()
	vars := map[string]string{
		"UPSTREAM_DB": "sqlite:" + filepath.Join(dir, "bench.db"), "UPSTREAM_WATCHLISTS": sdn,
		"UPSTREAM_ADMIN_EMAIL": "bench@example.org", "UPSTREAM_ADMIN_PASSWORD": "a long benchmark password",
		"UPSTREAM_ARGON2": "test", "UPSTREAM_LOG_FORMAT": "json",
	}
	srv := startServer(t, vars)
	token := benchToken(t, srv.base)
	conc := benchEnvInt("UPSTREAM_BENCH_CONC", 8)
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2, MaxConnsPerHost: conc * 2}}
	qs := readBenchQueries(t)

	upstream := target{name: "upstream",
		req: func(q benchQuery, withCountry, sweep bool) *http.Request {
			body := map[string]any{"name": q.name}
			if withCountry && q.country != "" {
				body["country"] = q.country
			}
			if sweep { // hits down to 0.5, so the accuracy can be read at any threshold
				body["threshold"] = 0.5
			}
			b, _ := json.Marshal(body)
			r, _ := http.NewRequest("POST", srv.base+"/api/v1/screen", bytes.NewReader(b))
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			return r
		},
		best: func(body []byte) (string, float64, error) {
			var out struct {
				Hits []struct {
					EntityID string  `json:"entity_id"`
					Score    float64 `json:"score"`
				}
			}
			if err := json.Unmarshal(body, &out); err != nil || len(out.Hits) == 0 {
				return "", 0, err
			}
			return out.Hits[0].EntityID, out.Hits[0].Score, nil
		},
	}
	targets := []target{upstream}
	if wm := os.Getenv("UPSTREAM_BENCH_WATCHMAN"); wm != "" {
		targets = append(targets, target{name: "watchman",
			req: func(q benchQuery, _, _ bool) *http.Request {
				r, _ := http.NewRequest("GET", wm+"/v2/search?limit=10&name="+url.QueryEscape(q.name), nil)
				return r
			},
			best: func(body []byte) (string, float64, error) {
				var out struct {
					Entities []struct {
						SourceID string  `json:"sourceID"`
						Match    float64 `json:"match"`
					}
				}
				if err := json.Unmarshal(body, &out); err != nil || len(out.Entities) == 0 {
					return "", 0, err
				}
				return out.Entities[0].SourceID, out.Entities[0].Match, nil
			},
		})
	}

	// Accuracy first (sequential, one request per labelled query).
	kinds := []string{"exact", "typo", "typo-first", "transpose", "reorder", "legal-form", "abbreviation", "cyrillic", "chinese"}
	for _, tg := range targets {
		ids, scores := bestHits(t, c, tg, qs, false)
		bestTh, bestF1 := 0.0, -1.0
		for th := 0.50; th <= 0.96; th += 0.01 {
			if f := score(qs, ids, scores, th, "").f1(); f > bestF1 {
				bestTh, bestF1 = th, f
			}
		}
		def := 0.80
		a := score(qs, ids, scores, def, "")
		b := score(qs, ids, scores, bestTh, "")
		t.Logf("%-8s accuracy, name only: at %.2f precision %.3f recall %.3f F1 %.3f; best threshold %.2f: precision %.3f recall %.3f F1 %.3f",
			tg.name, def, a.precision(), a.recall(), a.f1(), bestTh, b.precision(), b.recall(), b.f1())
		var per []string
		for _, k := range kinds {
			per = append(per, fmt.Sprintf("%s %.2f", k, score(qs, ids, scores, bestTh, k).recall()))
		}
		t.Logf("%-8s recall by variant at %.2f: %s", tg.name, bestTh, strings.Join(per, ", "))
	}
	{
		ids, scores := bestHits(t, c, upstream, qs, true)
		a := score(qs, ids, scores, 0.80, "")
		t.Logf("upstream accuracy with countries: at 0.80 precision %.3f recall %.3f F1 %.3f", a.precision(), a.recall(), a.f1())
	}

	// Throughput: a short warm-up, then conc clients in a closed loop (the
	// server is saturated). Latency: one client, one request at a time.
	total := map[string]int{"upstream": benchEnvInt("UPSTREAM_BENCH_N", 30000), "watchman": benchEnvInt("UPSTREAM_BENCH_WATCHMAN_N", 4000)}
	seq := map[string]int{"upstream": 5000, "watchman": 1000}
	sat, lat := map[string]loadResult{}, map[string]loadResult{}
	for _, tg := range targets {
		runLoad(c, tg, qs, conc, 300, 30*time.Second)
		r := runLoad(c, tg, qs, conc, total[tg.name], 90*time.Second)
		sat[tg.name] = r
		t.Logf("%-8s saturated: %d requests (%d errors) from %d clients in %.1fs: %.0f req/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
			tg.name, r.n, r.errors, conc, r.elapsed.Seconds(), r.rps(), ms(r.p50), ms(r.p90), ms(r.p99))
		l := runLoad(c, tg, qs, 1, seq[tg.name], 60*time.Second)
		lat[tg.name] = l
		t.Logf("%-8s one client: %d requests (%d errors) in %.1fs: %.0f req/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms",
			tg.name, l.n, l.errors, l.elapsed.Seconds(), l.rps(), ms(l.p50), ms(l.p90), ms(l.p99))
		if r.errors+l.errors > 0 {
			t.Errorf("%s: %d failed requests", tg.name, r.errors+l.errors)
		}
	}
	u, ul := sat["upstream"], lat["upstream"]
	if ul.p99 >= 10*time.Millisecond {
		t.Errorf("upstream p99 %.2f ms (one client) is not under 10 ms", ms(ul.p99))
	}
	if w, ok := sat["watchman"]; ok {
		wl := lat["watchman"]
		t.Logf("ratio upstream/watchman: saturated %.1fx requests/s; one client %.1fx requests/s, p50 %.1fx and p99 %.1fx lower",
			u.rps()/w.rps(), ul.rps()/wl.rps(), ms(wl.p50)/ms(ul.p50), ms(wl.p99)/ms(ul.p99))
		if u.rps() < 10*w.rps() {
			t.Errorf("upstream %.0f req/s is not 10x watchman's %.0f", u.rps(), w.rps())
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchToken signs in the bootstrap admin and creates an API token.
func benchToken(t *testing.T, base string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {"bench@example.org"}, "password": {"a long benchmark password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Value != "" {
			session = ck
		}
	}
	if session == nil {
		t.Fatalf("sign-in failed: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"/account/tokens", strings.NewReader("name=bench&scope_suppliers=read&expires=7"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.AddCookie(session)
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`id="new-token">(upk_[a-z2-7]+)<`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no token created: %d", res.StatusCode)
	}
	return string(m[1])
}

// BenchmarkScreenCommand measures `upstream screen` end to end on 100,000
// names against the OFAC SDN files (sdn.csv with alt.csv and add.csv),
// JSON output, loading the lists and building the index included. The
// names are the labelled queries of the screening package, every second
// one with a word added ("Trading", "Shenzhen"). The baseline beside it is
// the same names against a one-entity list: reading the names, writing the
// output and starting up, so the ratio shows what screening adds. Target:
// at least 20,000 names/s on 2 cores.
func BenchmarkScreenCommand(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	f, err := os.Open(filepath.Join("..", "screening", "testdata", "eval.csv"))
	if err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "name", "country"})
	extra := []string{"Trading", "Shenzhen", "Holdings", "Group", "International", "Logistics"}
	for i := 0; i < n; i++ {
		r := recs[1+i%(len(recs)-1)]
		name := r[1]
		if i%2 == 1 {
			name += " " + extra[i%len(extra)]
		}
		w.Write([]string{strconv.Itoa(i), name, r[2]})
	}
	w.Flush()
	names := filepath.Join(dir, "names.csv")
	if err := os.WriteFile(names, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	one := filepath.Join(dir, "one.csv")
	os.WriteFile(one, []byte("id,name,aliases,country,list\nW-0,Zzyzx Qwv Holdings,,GB,none\n"), 0o644)
	sdn := filepath.Join(testkit.Data(b, "samples", "watchlists", "ofac_sdn_2021"), "sdn.csv")
	out := filepath.Join(dir, "hits.jsonl")
	for _, bm := range []struct{ name, list string }{{"baseline-one-entity", one}, {"ofac-sdn", sdn}} {
		b.Run(bm.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				cpu0 := cpuTime()
				code, _, errOut := runTB(b, "screen", names, "--watchlist", bm.list, "--format", "json", "--out", out)
				if code != 0 {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "names/s")
			b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "names/cpu-s")
		})
	}
}
