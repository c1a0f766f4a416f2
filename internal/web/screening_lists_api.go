package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
)

// screeningListJSON is one watchlist in use: which edition, from where,
// how large, and whether it is out of date.
type screeningListJSON struct {
	Name     string `json:"name"`
	Source   string `json:"source"`
	Entities int    `json:"entities"`
	SHA256   string `json:"sha256"`
	// Published is the edition's publication date; null when the file
	// states none.
	Published *time.Time `json:"published"`
	// Stale says the edition is older than screening expects of it.
	Stale bool `json:"stale"`
}

type screeningListsJSON struct {
	Lists []screeningListJSON `json:"lists"`
	pageLinksJSON
}

// apiScreeningLists lists the watchlists screening uses now, by name.
func (s *screeningHandlers) apiScreeningLists(w http.ResponseWriter, r *http.Request) {
	lp, problems := readListPage(r, defaultListLimit)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	_, inUse := s.lists.Current()
	page, links := pageInMemory(w, r, inUse, lp, false, func(l screening.List) []string { return []string{l.Name, l.SHA256} })
	out := make([]screeningListJSON, len(page))
	for i, l := range page {
		out[i] = s.listJSON(l)
	}
	writeJSON(w, http.StatusOK, screeningListsJSON{Lists: out, pageLinksJSON: links})
}

func (s *screeningHandlers) listJSON(l screening.List) screeningListJSON {
	out := screeningListJSON{Name: l.Name, Source: l.Source, Entities: l.EntityCount, SHA256: l.SHA256, Stale: screening.Stale(l, s.clock.Now())}
	if !l.Published.IsZero() {
		p := l.Published
		out.Published = &p
	}
	return out
}

// screeningListEnvelopeJSON is the list a replacement put in use.
type screeningListEnvelopeJSON struct {
	List screeningListJSON `json:"list"`
}

// replaceList loads a newer edition of a built-in list, stores it and puts
// it in use at once. A file that does not load changes nothing (Invalid);
// an edition that was stored but could not be put in use says so.
func (s *screeningHandlers) replaceList(r *http.Request, dataset, name string, data []byte) (screening.List, error) {
	now := s.clock.Now()
	wl, err := screening.LoadReplacement(dataset, name, data, now)
	if kernel.IsCode(err, kernel.Invalid) {
		return screening.List{}, kernel.Errorf(kernel.Invalid, "the list was not replaced: %s", kernel.ErrorMessage(err))
	} else if err != nil {
		return screening.List{}, err
	}
	if err := s.editions.Put(r.Context(), dataset, name, data, now); err != nil {
		return screening.List{}, err
	}
	if err := s.lists.Replace(wl); kernel.IsCode(err, kernel.Invalid) {
		return screening.List{}, kernel.Errorf(kernel.Invalid, "the edition was stored but is not in use on this server: %s", kernel.ErrorMessage(err))
	} else if err != nil {
		return screening.List{}, err
	}
	return wl.List, nil
}

// apiReplaceList replaces a built-in watchlist with a newer edition
// uploaded as multipart/form-data (dataset, file), as the screening page
// does; with Prefer: respond-async it runs as a job.
func (s *screeningHandlers) apiReplaceList(w http.ResponseWriter, r *http.Request) {
	if s.editions == nil {
		s.fail(w, r, kernel.Errorf(kernel.Unavailable, "this server screens against list files named at start (UPSTREAM_WATCHLISTS); replace them there"))
		return
	}
	if wantsAsync(r) {
		s.startJob(w, r, "watchlist", "reading the list and putting it in use", map[string]string{"replace": "watchlist edition"}, s.apiReplaceList)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxListUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, r, http.StatusRequestEntityTooLarge, kernel.Errorf(kernel.Invalid, "the upload is larger than 64 MB"), nil)
			return
		}
		failParams(w, r, []paramProblem{{"file", "the upload could not be read as multipart/form-data with a file"}})
		return
	}
	defer r.MultipartForm.RemoveAll()
	dataset := r.FormValue("dataset")
	file, hdr, err := r.FormFile("file")
	var problems []paramProblem
	if !screening.IsListDataset(dataset) {
		problems = append(problems, paramProblem{"dataset", fmt.Sprintf("dataset %q is not a replaceable watchlist: use one of %s",
			dataset, strings.Join(screening.ListDatasets(), ", "))})
	}
	if err != nil {
		problems = append(problems, paramProblem{"file", "send the list file as the field file"})
	}
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	defer file.Close()
	data, tooLarge, err := readListFile(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tooLarge {
		writeProblem(w, r, http.StatusRequestEntityTooLarge, kernel.Errorf(kernel.Invalid, "the file is larger than 64 MB"), nil)
		return
	}
	l, err := s.replaceList(r, dataset, uploadName(hdr), data)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			// The request was well formed but the file is not an edition
			// of the list: nothing changed.
			writeProblem(w, r, http.StatusUnprocessableEntity, err, []problemItem{{Field: "file", Reason: kernel.ErrorMessage(err)}})
			return
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, screeningListEnvelopeJSON{List: s.listJSON(l)})
}
