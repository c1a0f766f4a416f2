// Package chromium is the adapter to a headless Chromium installed on the
// machine: it prints HTML documents to PDF, which is how reports in Arabic,
// Chinese and other complex scripts get correct shaping and fonts.
package chromium
