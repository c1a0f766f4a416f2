package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/eudr"
)

// plotReportsJSON is what checking uploaded plot files found, per file.
type plotReportsJSON struct {
	Reports []eudr.Report `json:"reports"`
}

func eudrAPIDocs() []apiDoc {
	return []apiDoc{
		{pattern: "POST /api/v1/eudr/plots", tag: "Deforestation", summary: "Import plots of land",
			description: "Stores plots from GeoJSON or CSV files and checks their geolocation (Annex I and Article 9 rules). Plots that cannot be read are not stored; " +
				"plots failing a check are stored and block any statement until fixed. Each file's report lists the findings.",
			body:   apiUpload{files: []string{"files"}, required: []string{"files"}},
			result: plotReportsJSON{}, errors: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}},
	}
}
