package chromium

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Printer prints HTML to PDF in a headless Chromium started for each job.
type Printer struct {
	// Path is the Chromium executable.
	Path string
	// Timeout bounds one print job of a small page; PerMiB is added for
	// every MiB of HTML, since Chromium's layout time grows with the page.
	Timeout time.Duration
	PerMiB  time.Duration
}

// limit is the time allowed to print a page of n bytes.
func (p *Printer) limit(n int) time.Duration {
	return p.Timeout + time.Duration(float64(p.PerMiB)*float64(n)/(1<<20))
}

// Find returns a Printer for the Chromium on the PATH, or an Unavailable
// error saying what to install.
func Find() (*Printer, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return &Printer{Path: p, Timeout: 45 * time.Second, PerMiB: 15 * time.Second}, nil
		}
	}
	return nil, kernel.Errorf(kernel.Unavailable, "PDF output needs headless Chromium; install the 'chromium' package, or choose --format html")
}

// PrintPDF renders a self-contained HTML document to an A4 PDF. The page is
// served once from a loopback address that only this job knows, so the
// document can be of any size and never touches the disk.
func (p *Printer) PrintPDF(ctx context.Context, html []byte) ([]byte, error) {
	limit := p.limit(len(html))
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	token := kernel.NewID()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+token {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(html)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	dir, err := os.MkdirTemp("", "upstream-chromium-")
	if err != nil {
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(p.Path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("blink-settings", "scriptEnabled=false"))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	if err := chromedp.Do(tctx, chromedp.Navigate("http://"+ln.Addr().String()+"/"+token)); err != nil {
		return nil, fmt.Errorf("print PDF: load page: %w", err)
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.6), chromedp.PDFPrintBackground()))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, kernel.Errorf(kernel.Unavailable, "printing the PDF took longer than %s", limit.Round(time.Second))
		}
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	return pdf, nil
}
