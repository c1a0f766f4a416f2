package web

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
)

func TestNumbersForPeople(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{fmtNum(53.65853658536586), "53.66"},
		{fmtNum(150.38636363636363), "150.39"},
		{fmtNum(7.627118644067797), "7.63"},
		{fmtNum(1234567.5), "1,234,567.50"},
		{fmtNum(12), "12"},
		{fmtNum(-0.001), "0"},
		{fmtCount(3361), "3,361"},
		{fmtCount(-1200), "-1,200"},
		{fmtPercent(0.53658), "53.7%"},
		{fmtPercent(1), "100%"},
		{grievance.Money{Minor: 3600000, Currency: "USD"}.String(), "USD 36,000.00"},
		{grievance.Money{Minor: 36000, Currency: "JPY"}.String(), "JPY 36,000"},
		{grievance.Money{Minor: 1500, Currency: "KWD"}.String(), "KWD 1.500"},
		{grievance.Money{Minor: 5, Currency: "EUR"}.String(), "EUR 0.05"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in, code string
		want     int64
		bad      bool
	}{
		{"36000", "USD", 3600000, false},
		{"36,000.50", "USD", 3600050, false},
		{"120.5", "EUR", 12050, false},
		{"36000", "JPY", 36000, false},
		{"1.5", "JPY", 0, true},
		{"1.234", "KWD", 1234, false},
		{"", "USD", 0, false},
		{"12.345", "USD", 0, true},
		{"-5", "USD", 0, true},
		{"ten", "USD", 0, true},
	} {
		got, err := parseMoney(tc.in, tc.code)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v", tc.in, tc.code, got, err)
		}
	}
}
