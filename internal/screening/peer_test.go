package screening

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPeerSideBySide measures a peer screener, moov-io/watchman, on the
// same labelled rows as this package's evaluation: the OFAC SDN set, the
// UN original-script set and the legislators' Japanese, Korean, Thai and
// Khmer set, each against its own list, split into the same tuning and
// test parts. watchman runs as its own process, given each list in the
// OFAC file layout it reads, and is asked by name only over HTTP (its
// search takes no country); Upstream is asked in this process by name
// only too. Upstream is scored at its default threshold; watchman at the
// threshold that gives it the best F1 on the tuning part, then that
// threshold on the test part. It runs only when UPSTREAM_WATCHMAN_BIN
// names a watchman server binary built outside this repository:
//
//	UPSTREAM_WATCHMAN_BIN=/tmp/watchman-server go test ./internal/screening -run TestPeerSideBySide -v -timeout 30m
func TestPeerSideBySide(t *testing.T) {
	bin := os.Getenv("UPSTREAM_WATCHMAN_BIN")
	if bin == "" {
		t.Skip("set UPSTREAM_WATCHMAN_BIN to a watchman server binary to compare with it")
	}
	sdn := loadSDN(t)
	un, unRows := readUNRows(t)
	leg, legRows := readLegislatorRows(t)
	for _, set := range []struct {
		name string
		wl   *Watchlist
		rows []evalRow
	}{
		{"OFAC SDN (generated variants)", sdn, readEval(t)},
		{"UN original script", un, unRows},
		{"legislators (Japanese, Korean, Thai, Khmer)", leg, legRows},
	} {
		t.Run(set.name, func(t *testing.T) {
			comparePeer(t, bin, set.wl, set.rows)
		})
	}
}

// peerHit is the best hit of one query: the entity id (empty for none)
// and its score.
type peerHit struct {
	id    string
	score float64
}

func comparePeer(t *testing.T, bin string, wl *Watchlist, rows []evalRow) {
	dir := t.TempDir()
	ids := writeOFACFiles(t, dir, wl)
	base := startWatchman(t, bin, dir)
	names := map[string]string{}
	for _, e := range wl.Entities {
		names[e.ID] = joinTokens(normaliseName(e.Name))
	}
	// The peer must have loaded the list: the listed names themselves,
	// in Latin letters, must find their entries.
	checked, found := 0, 0
	for _, e := range wl.Entities {
		if checked == 40 {
			break
		}
		if scriptOf(e.Name) != "latin" {
			continue
		}
		checked++
		if h := askWatchman(t, base, e.Name, ids); h.id == e.ID || names[h.id] == names[e.ID] {
			found++
		}
	}
	t.Logf("watchman finds %d of %d listed names asked as listed", found, checked)
	if found < checked*3/4 {
		t.Fatalf("watchman found only %d of %d listed names: the list did not load", found, checked)
	}
	ix := NewIndex(wl)
	peer := make([]peerHit, len(rows))
	ours := make([]peerHit, len(rows))
	for i, r := range rows {
		peer[i] = askWatchman(t, base, r.query, ids)
		if hits := ix.Search(Query{Name: r.query}, Options{Threshold: ThresholdOf(0), Limit: 1}); len(hits) > 0 {
			ours[i] = peerHit{hits[0].Entity.ID, hits[0].Score}
		}
	}
	// score returns the counts of one part's rows, by script too, when
	// hits below th are dropped.
	score := func(part string, hits []peerHit, th float64) map[string]*evalStats {
		out := map[string]*evalStats{"all": {}}
		for i, r := range rows {
			if evalPart(r) != part {
				continue
			}
			sc := scriptOf(r.query)
			if rest, ok := strings.CutPrefix(r.kind, "ep-"); ok {
				sc, _, _ = strings.Cut(rest, "-")
			}
			if out[sc] == nil {
				out[sc] = &evalStats{}
			}
			h := hits[i]
			found := h.id != "" && h.score >= th
			for _, s := range []*evalStats{out["all"], out[sc]} {
				switch {
				case r.want == "" && !found:
					s.tn++
				case r.want == "":
					s.fp++
				case !found:
					s.fn++
				case h.id == r.want || names[h.id] == names[r.want]:
					s.tp++
				default:
					s.fp++
					s.fn++
				}
			}
		}
		return out
	}
	bestTh, bestF1 := 0.0, -1.0
	for th := 0.50; th < 0.995; th += 0.01 {
		if f := score("tuning", peer, th)["all"].f1(); f > bestF1 {
			bestTh, bestF1 = th, f
		}
	}
	for _, part := range []string{"tuning", "test"} {
		o, p := score(part, ours, DefaultThreshold), score(part, peer, bestTh)
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("%-6s %-9s Upstream (%.2f) P %.3f R %.3f F1 %.3f | watchman (%.2f, best on tuning) P %.3f R %.3f F1 %.3f",
				part, k, DefaultThreshold, o[k].precision(), o[k].recall(), o[k].f1(), bestTh, p[k].precision(), p[k].recall(), p[k].f1())
		}
	}
}

// writeOFACFiles writes a list in the OFAC SDN file layout (sdn.csv with
// alt.csv for aliases; empty add.csv and sdn_comments.csv) and returns
// the entity id of each entry number.
func writeOFACFiles(t *testing.T, dir string, wl *Watchlist) map[string]string {
	ids := map[string]string{}
	write := func(name string, recs [][]string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		if err := w.WriteAll(recs); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var sdnRecs, altRecs [][]string
	alt := 0
	for i, e := range wl.Entities {
		num := strconv.Itoa(i + 1)
		ids[num] = e.ID
		typ := "-0- "
		switch e.Kind {
		case KindPerson:
			typ = "individual"
		case KindVessel:
			typ = "vessel"
		case KindAircraft:
			typ = "aircraft"
		}
		sdnRecs = append(sdnRecs, []string{num, e.Name, typ, "TEST", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- "})
		for _, a := range append(append([]string(nil), e.Aliases...), e.WeakAliases...) {
			alt++
			altRecs = append(altRecs, []string{num, strconv.Itoa(alt), "aka", a, "-0- "})
		}
	}
	write("sdn.csv", sdnRecs)
	write("alt.csv", altRecs)
	write("add.csv", nil)
	write("sdn_comments.csv", nil)
	return ids
}

// startWatchman starts the peer on a free local port with the OFAC files
// in dir and waits until it answers searches.
func startWatchman(t *testing.T, bin, dir string) string {
	port := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	httpPort, adminPort := port(), port()
	conf := fmt.Sprintf(`Watchman:
  Servers:
    BindAddress: "127.0.0.1:%d"
    AdminAddress: "127.0.0.1:%d"
  Download:
    RefreshInterval: "0s"
    InitialDataDirectory: %q
    IncludedLists: ["us_ofac"]
`, httpPort, adminPort, dir+"/")
	confPath := filepath.Join(dir, "watchman.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "APP_CONFIG="+confPath)
	logf, err := os.Create(filepath.Join(dir, "watchman.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/v2/search?name=a&limit=1")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "watchman.log"))
	t.Fatalf("watchman did not answer within 3 minutes; its log:\n%s", log)
	return ""
}

// askWatchman returns watchman's best hit for a name.
func askWatchman(t *testing.T, base, name string, ids map[string]string) peerHit {
	resp, err := http.Get(base + "/v2/search?limit=1&minMatch=0.01&name=" + url.QueryEscape(name))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Entities []struct {
			SourceID string  `json:"sourceID"`
			Match    float64 `json:"match"`
		} `json:"entities"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("watchman's answer for %q: %v", name, err)
	}
	if len(body.Entities) == 0 {
		return peerHit{}
	}
	return peerHit{ids[body.Entities[0].SourceID], body.Entities[0].Match}
}
