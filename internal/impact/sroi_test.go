package impact_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"pgregory.net/rapid"
)

// designExample is the map from the "Impact map (SROI) JSON" contract.
const designExample = `{"currency": "GBP", "discount_rate": 0.035,
 "inputs": [{"stakeholder": "Funder", "description": "grant", "value": 150000}],
 "outcomes": [{"stakeholder": "Survivors", "outcome": "stable decent work", "indicator": "people employed 12 months",
   "quantity": 40, "proxy": {"value": 6000, "description": "...", "source": "..."},
   "deadweight": 0.25, "displacement": 0.10, "attribution": 0.30, "drop_off": 0.20,
   "duration_years": 3, "start": "during"}]}`

func mustAnalyse(t *testing.T, doc string) *impact.Result {
	t.Helper()
	m, err := impact.ParseMap([]byte(doc))
	if err != nil {
		t.Fatalf("ParseMap: %v", err)
	}
	res, err := impact.Analyse(m)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	return res
}

// near compares computed figures with hand-computed ones. The hand figures
// are exact fractions written as decimals, so a relative tolerance of a few
// units in the last place is all that separates them.
func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", name, got, want)
	}
}

func sens(t *testing.T, res *impact.Result, param string) impact.Sensitivity {
	t.Helper()
	for _, s := range res.Sensitivity {
		if s.Parameter == param {
			return s
		}
	}
	t.Fatalf("no sensitivity row for %s", param)
	return impact.Sensitivity{}
}

func TestAnalyseDesignExample(t *testing.T) {
	res := mustAnalyse(t, designExample)
	// impact = 40 x 6000 x (1 - 0.25) x (1 - 0.10) x (1 - 0.30)
	//        = 240000 x 0.75 x 0.9 x 0.7 = 180000 x 0.9 x 0.7 = 162000 x 0.7 = 113400
	// year 1 = 113400                      PV = 113400 / 1.035      = 109565.217391304...
	// year 2 = 113400 x 0.8 = 90720        PV = 90720 / 1.071225    = 84688.0907372400...
	// year 3 = 90720 x 0.8  = 72576        PV = 72576 / 1.108717875 = 65459.3938065623...
	// total PV = 259712.701935106...
	// NPV = 259712.7019... - 150000 = 109712.7019...
	// ratio = 259712.7019... / 150000 = 1.73141801290...  -> "1.73:1", "2:1"
	// net ratio = 109712.7019... / 150000 = 0.73141801290...
	// payback = 150000 / (113400 / 12) = 150000 / 9450 = 15.8730158730... months
	wantYears := []impact.YearValue{
		{Year: 1, Value: 113400, PresentValue: 113400 / 1.035},
		{Year: 2, Value: 90720, PresentValue: 90720 / 1.071225},
		{Year: 3, Value: 72576, PresentValue: 72576 / 1.108717875},
	}
	if len(res.Years) != len(wantYears) {
		t.Fatalf("years = %+v", res.Years)
	}
	for i, w := range wantYears {
		if res.Years[i].Year != w.Year {
			t.Errorf("year[%d] = %d", i, res.Years[i].Year)
		}
		near(t, "value", res.Years[i].Value, w.Value)
		near(t, "present value", res.Years[i].PresentValue, w.PresentValue)
	}
	near(t, "first-year impact", res.FirstYearImpact, 113400)
	near(t, "inputs", res.Inputs, 150000)
	near(t, "PV", res.PresentValue, 259712.7019351068)
	near(t, "NPV", res.NetPresentValue, 109712.7019351068)
	near(t, "ratio", res.Ratio, 1.731418012900712)
	near(t, "net ratio", res.NetRatio, 0.731418012900712)
	if res.PaybackMonths == nil {
		t.Fatal("payback missing")
	}
	near(t, "payback", *res.PaybackMonths, 150000.0/9450)
	if res.RatioDisplay != "1.73:1" || res.RatioRounded != "2:1" {
		t.Errorf("display %q %q", res.RatioDisplay, res.RatioRounded)
	}
	// Moving a filter up lowers the ratio; moving a value up raises it.
	for _, s := range res.Sensitivity {
		up := s.RatioUp > res.Ratio
		down := s.RatioDown < res.Ratio
		switch s.Parameter {
		case impact.ParamProxyValues, impact.ParamQuantities:
			if !up || !down {
				t.Errorf("%s: down %v up %v around %v", s.Parameter, s.RatioDown, s.RatioUp, res.Ratio)
			}
		default:
			if up || down {
				t.Errorf("%s: down %v up %v around %v", s.Parameter, s.RatioDown, s.RatioUp, res.Ratio)
			}
		}
	}
	// Quantities 20% lower: the ratio is proportional, 1.7314... x 0.8.
	near(t, "quantities down", sens(t, res, impact.ParamQuantities).RatioDown, 1.731418012900712*0.8)
	// Inputs 20% higher: 1.7314... / 1.2.
	near(t, "inputs up", sens(t, res, impact.ParamInputValue).RatioUp, 1.731418012900712/1.2)
}

func TestAnalyseDropOffAfterNoDiscount(t *testing.T) {
	// One outcome worth 10 x 100 = 1000 in its first year, starting after
	// the activity (so in year 2), with 10% drop-off over three years and no
	// discounting:
	//   year 1 = 0, year 2 = 1000, year 3 = 1000 x 0.9 = 900, year 4 = 900 x 0.9 = 810
	// With r = 0 every discount factor is 1, so PV is the plain sum:
	//   PV = 0 + 1000 + 900 + 810 = 2710; ratio = 2710 / 1000 = 2.71; NPV = 1710
	// Payback is measured against year 1 of the timeline, and this outcome
	// creates nothing in year 1: there is no first-year impact to repay the
	// inputs with, so payback is none (not 1000 / (1000 / 12) = 12 months).
	res := mustAnalyse(t, `{"currency":"EUR","discount_rate":0,
	 "inputs":[{"stakeholder":"Foundation","value":600},{"stakeholder":"Volunteers","value":400}],
	 "outcomes":[{"stakeholder":"Farmers","outcome":"forest kept standing","quantity":10,"proxy":{"value":100},
	   "drop_off":0.1,"duration_years":3,"start":"after"}]}`)
	want := []float64{0, 1000, 900, 810}
	if len(res.Years) != 4 {
		t.Fatalf("years = %+v", res.Years)
	}
	sum := 0.0
	for i, w := range want {
		near(t, "value", res.Years[i].Value, w)
		if res.Years[i].PresentValue != res.Years[i].Value {
			t.Errorf("year %d: undiscounted PV %v differs from value %v", i+1, res.Years[i].PresentValue, res.Years[i].Value)
		}
		sum += res.Years[i].Value
	}
	if res.PresentValue != sum {
		t.Errorf("PV %v is not the plain sum %v", res.PresentValue, sum)
	}
	near(t, "PV", res.PresentValue, 2710)
	near(t, "ratio", res.Ratio, 2.71)
	near(t, "NPV", res.NetPresentValue, 1710)
	near(t, "net ratio", res.NetRatio, 1.71)
	if res.FirstYearImpact != 0 || res.PaybackMonths != nil {
		t.Errorf("first-year impact %v, payback %v; want 0 and none", res.FirstYearImpact, res.PaybackMonths)
	}
	if res.Outcomes[0].FirstYear != 2 {
		t.Errorf("first year = %d", res.Outcomes[0].FirstYear)
	}
	if res.RatioDisplay != "2.71:1" || res.RatioRounded != "3:1" {
		t.Errorf("display %q %q", res.RatioDisplay, res.RatioRounded)
	}
}

func TestAnalysePaybackCountsOnlyYearOne(t *testing.T) {
	// Inputs: 60000. Discount rate 5%. Three outcomes:
	//   A (during): 20 x 2000 x (1 - 0.20 deadweight) x (1 - 0.25 attribution)
	//             = 40000 x 0.8 x 0.75 = 24000; two years, 50% drop-off: 24000, 12000
	//   B (after):  10 x 3000 x (1 - 0.10 displacement) = 27000; three years from
	//               year 2, no drop-off: 27000 in years 2, 3 and 4
	//   C (during): 5 x 1200 = 6000; one year
	// Timeline:
	//   year 1 = A 24000 + C 6000  = 30000   PV = 30000 / 1.05       = 28571.4285714286...
	//   year 2 = A 12000 + B 27000 = 39000   PV = 39000 / 1.1025     = 35374.1496598639...
	//   year 3 = B 27000                     PV = 27000 / 1.157625   = 23323.6151603498...
	//   year 4 = B 27000                     PV = 27000 / 1.21550625 = 22212.9668193808...
	//   PV = 109482.160211023..., NPV = 49482.160211023..., ratio = 1.82470267018...
	// Payback uses the impact in year 1 of the timeline, where B has not
	// started yet:
	//   first-year impact = 30000; payback = 60000 / (30000 / 12) = 60000 / 2500 = 24 months
	// Summing each outcome's own first year would count B too:
	//   60000 / ((24000 + 27000 + 6000) / 12) = 60000 / 4750 = 12.63 months, which is wrong.
	res := mustAnalyse(t, `{"currency":"USD","discount_rate":0.05,
	 "inputs":[{"stakeholder":"Funder","value":45000},{"stakeholder":"Partner","value":15000}],
	 "outcomes":[
	  {"stakeholder":"Workers","outcome":"back pay recovered","quantity":20,"proxy":{"value":2000},
	   "deadweight":0.2,"attribution":0.25,"drop_off":0.5,"duration_years":2,"start":"during"},
	  {"stakeholder":"Workers","outcome":"lasting decent work","quantity":10,"proxy":{"value":3000},
	   "displacement":0.1,"duration_years":3,"start":"after"},
	  {"stakeholder":"Children","outcome":"back in school","quantity":5,"proxy":{"value":1200},
	   "duration_years":1}]}`)
	wantValues := []float64{30000, 39000, 27000, 27000}
	wantPV := []float64{30000 / 1.05, 39000 / 1.1025, 27000 / 1.157625, 27000 / 1.21550625}
	if len(res.Years) != len(wantValues) {
		t.Fatalf("years = %+v", res.Years)
	}
	for i := range wantValues {
		near(t, "value", res.Years[i].Value, wantValues[i])
		near(t, "present value", res.Years[i].PresentValue, wantPV[i])
	}
	near(t, "PV", res.PresentValue, 109482.16021102319)
	near(t, "NPV", res.NetPresentValue, 49482.16021102319)
	near(t, "ratio", res.Ratio, 109482.16021102319/60000)
	near(t, "first-year impact", res.FirstYearImpact, 30000)
	if res.PaybackMonths == nil {
		t.Fatal("payback missing")
	}
	near(t, "payback", *res.PaybackMonths, 24)
	wantFirst := []int{1, 2, 1}
	wantImpact := []float64{24000, 27000, 6000}
	for i, o := range res.Outcomes {
		if o.FirstYear != wantFirst[i] {
			t.Errorf("outcome %d first year = %d, want %d", i+1, o.FirstYear, wantFirst[i])
		}
		near(t, "impact", o.Impact, wantImpact[i])
	}
}

func TestAnalyseDiscounting(t *testing.T) {
	// 1000 a year for two years at 10%, no drop-off:
	//   PV = 1000 / 1.1 + 1000 / 1.21 = 909.0909... + 826.4462... = 1735.5371900826...
	// ratio against 1000 of inputs = 1.7355371900826...
	res := mustAnalyse(t, `{"currency":"USD","discount_rate":0.1,
	 "inputs":[{"stakeholder":"Donor","value":1000}],
	 "outcomes":[{"stakeholder":"Workers","outcome":"wages recovered","quantity":1,"proxy":{"value":1000},"duration_years":2}]}`)
	near(t, "year 1 PV", res.Years[0].PresentValue, 1000/1.1)
	near(t, "year 2 PV", res.Years[1].PresentValue, 1000/1.21)
	near(t, "PV", res.PresentValue, 1000/1.1+1000/1.21)
	near(t, "ratio", res.Ratio, (1000/1.1+1000/1.21)/1000)
}

func TestSwitchingValues(t *testing.T) {
	// One outcome worth 10 x 100 = 1000 in year 1 only, r = 0, inputs 800:
	// ratio = 1000 / 800 = 1.25.
	//   deadweight: 1000 x (1 - d) = 800  ->  d = 0.2, a change of +0.2
	//   attribution, displacement: the same +0.2
	//   drop-off: one year only, so drop-off never applies: not reached
	//   quantities, proxies: factor 800 / 1000 = 0.8 = 1 / 1.25
	//   input value: factor 1.25 (inputs of 1000)
	//   discount rate: 1000 / (1 + r) = 800  ->  r = 0.25
	res := mustAnalyse(t, `{"currency":"GBP","discount_rate":0,
	 "inputs":[{"stakeholder":"Funder","value":800}],
	 "outcomes":[{"stakeholder":"Survivors","outcome":"safe housing","quantity":10,"proxy":{"value":100},"duration_years":1}]}`)
	near(t, "ratio", res.Ratio, 1.25)
	tests := []struct {
		param string
		kind  string
		want  float64
	}{
		{impact.ParamDeadweight, "change", 0.2},
		{impact.ParamAttribution, "change", 0.2},
		{impact.ParamDisplacement, "change", 0.2},
		{impact.ParamQuantities, "factor", 0.8},
		{impact.ParamProxyValues, "factor", 0.8},
		{impact.ParamInputValue, "factor", 1.25},
		{impact.ParamDiscountRate, "value", 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.param, func(t *testing.T) {
			s := sens(t, res, tt.param)
			if s.SwitchingValue == nil {
				t.Fatalf("no switching value: %s", s.SwitchingReason)
			}
			if s.SwitchingKind != tt.kind {
				t.Errorf("kind = %q", s.SwitchingKind)
			}
			near(t, "switching value", *s.SwitchingValue, tt.want)
		})
	}
	t.Run("drop_off", func(t *testing.T) {
		s := sens(t, res, impact.ParamDropOff)
		if s.SwitchingValue != nil || s.SwitchingReason != impact.NotReached {
			t.Errorf("switching = %v, %q", s.SwitchingValue, s.SwitchingReason)
		}
		if s.RatioDown != res.Ratio || s.RatioUp != res.Ratio {
			t.Errorf("one-year outcome moved with drop-off: %v %v", s.RatioDown, s.RatioUp)
		}
	})
	// Step rows, r = 0: deadweight 0 - 0.1 clamps at 0 (ratio 1.25);
	// + 0.1 gives 1000 x 0.9 / 800 = 1.125. Discount rate down clamps at 0
	// (1.25); up is 1000 / 1.01 / 800 = 1.2376237623...
	dw := sens(t, res, impact.ParamDeadweight)
	near(t, "deadweight down", dw.RatioDown, 1.25)
	near(t, "deadweight up", dw.RatioUp, 1.125)
	dr := sens(t, res, impact.ParamDiscountRate)
	near(t, "discount down", dr.RatioDown, 1.25)
	near(t, "discount up", dr.RatioUp, 1000/1.01/800)
}

func TestSwitchingDropOff(t *testing.T) {
	// 1000 in year 1, 1000 x (1 - d) in year 2, r = 0, inputs 1500:
	// (2000 - 1000 d) / 1500 = 1  ->  d = 0.5, from 0: a change of +0.5.
	res := mustAnalyse(t, `{"currency":"GBP","discount_rate":0,
	 "inputs":[{"stakeholder":"Funder","value":1500}],
	 "outcomes":[{"stakeholder":"Survivors","outcome":"safe housing","quantity":10,"proxy":{"value":100},"duration_years":2}]}`)
	s := sens(t, res, impact.ParamDropOff)
	if s.SwitchingValue == nil {
		t.Fatal("no switching value")
	}
	near(t, "drop-off switching", *s.SwitchingValue, 0.5)
}

func TestSwitchingNotReached(t *testing.T) {
	// 1 x 100 = 100 of value against 1000 of inputs: ratio 0.1. Even with
	// every filter at 0 and no discounting the ratio stays below 1, so no
	// rate or discount rate in range reaches 1:1; only scaling values does
	// (quantities x10, inputs x0.1).
	res := mustAnalyse(t, `{"currency":"GBP","discount_rate":0.035,
	 "inputs":[{"stakeholder":"Funder","value":1000}],
	 "outcomes":[{"stakeholder":"Survivors","outcome":"training","quantity":1,"proxy":{"value":100},"duration_years":1}]}`)
	for _, p := range []string{impact.ParamDeadweight, impact.ParamAttribution, impact.ParamDisplacement, impact.ParamDropOff, impact.ParamDiscountRate} {
		s := sens(t, res, p)
		if s.SwitchingValue != nil || s.SwitchingReason != impact.NotReached {
			t.Errorf("%s: switching %v %q", p, *s.SwitchingValue, s.SwitchingReason)
		}
	}
	near(t, "quantities", *sens(t, res, impact.ParamQuantities).SwitchingValue, 1/(100/1.035/1000))
	near(t, "inputs", *sens(t, res, impact.ParamInputValue).SwitchingValue, 100/1.035/1000)
}

func TestSwitchingZeroValue(t *testing.T) {
	// A map whose only outcome has quantity 0 creates nothing: no factor
	// brings a ratio of 0 to 1.
	res := mustAnalyse(t, `{"currency":"GBP","discount_rate":0,
	 "inputs":[{"stakeholder":"Funder","value":10}],
	 "outcomes":[{"stakeholder":"S","outcome":"o","quantity":0,"proxy":{"value":100},"duration_years":1}]}`)
	if res.Ratio != 0 || res.PaybackMonths != nil {
		t.Errorf("ratio %v payback %v", res.Ratio, res.PaybackMonths)
	}
	for _, s := range res.Sensitivity {
		if s.SwitchingValue != nil {
			t.Errorf("%s: switching %v", s.Parameter, *s.SwitchingValue)
		}
	}
	if b, err := json.Marshal(res); err != nil || !strings.Contains(string(b), `"payback_months":null`) {
		t.Errorf("json %s %v", b, err)
	}
}

func TestParseMapErrors(t *testing.T) {
	valid := `{"currency":"GBP","discount_rate":0.035,"inputs":[{"stakeholder":"F","value":100}],"outcomes":[%s]}`
	outcome := func(fields string) string {
		base := `"stakeholder":"S","outcome":"o","quantity":4,"proxy":{"value":10},"duration_years":2`
		if fields != "" {
			base += "," + fields
		}
		return strings.Replace(valid, "%s", "{"+base+"}", 1)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"empty", ``, "empty impact map"},
		{"syntax", "{\n \"currency\": \"GBP\",,\n}", "line 2, column 20"},
		{"truncated", `{"currency":`, "unexpected end of input"},
		{"trailing", `{"currency":"GBP"} {}`, "unexpected data after"},
		{"not object", `[1]`, "want an object, got an array"},
		{"unknown top", strings.Replace(valid, "%s", "", 1)[:len(valid)-4] + `],"extra":1}`, "extra: unknown field"},
		{"unknown outcome field", outcome(`"deadwieght":0.2`), "outcomes[0].deadwieght: unknown field"},
		{"repeated field", outcome(`"quantity":5`), "outcomes[0].quantity: field given twice"},
		{"percentage", outcome(`"deadweight":25`), "outcomes[0].deadweight: 25 is outside 0..1; rates are fractions, so write 0.25 for 25%"},
		{"negative rate", outcome(`"attribution":-0.1`), "outcomes[0].attribution: -0.1 is outside 0..1"},
		{"negative quantity", strings.Replace(outcome(""), `"quantity":4`, `"quantity":-4`, 1), "outcomes[0].quantity: negative (-4)"},
		{"quantity string", strings.Replace(outcome(""), `"quantity":4`, `"quantity":"4"`, 1), "outcomes[0].quantity: want a number, got a string"},
		{"missing proxy", strings.Replace(outcome(""), `"proxy":{"value":10},`, ``, 1), "outcomes[0].proxy: missing"},
		{"null proxy", strings.Replace(outcome(""), `"proxy":{"value":10}`, `"proxy":null`, 1), "outcomes[0].proxy: missing"},
		{"proxy without value", strings.Replace(outcome(""), `"proxy":{"value":10}`, `"proxy":{"source":"x"}`, 1), "outcomes[0].proxy.value: missing"},
		{"zero years", strings.Replace(outcome(""), `"duration_years":2`, `"duration_years":0`, 1), "outcomes[0].duration_years: 0 is outside 1..50"},
		{"200 years", strings.Replace(outcome(""), `"duration_years":2`, `"duration_years":200`, 1), "outcomes[0].duration_years: 200 is outside 1..50"},
		{"fractional years", strings.Replace(outcome(""), `"duration_years":2`, `"duration_years":2.5`, 1), "want a whole number of years"},
		{"bad start", outcome(`"start":"before"`), `outcomes[0].start: want "during" or "after"`},
		{"discount percent", strings.Replace(outcome(""), `0.035`, `3.5`, 1), "discount_rate: 3.5 is outside 0 up to (not including) 1; rates are fractions, so write 0.035"},
		{"currency", strings.Replace(outcome(""), `"GBP"`, `"pounds"`, 1), "currency: want a three-letter ISO 4217 code"},
		{"missing currency", `{"discount_rate":0,"inputs":[],"outcomes":[]}`, "currency: missing"},
		{"no inputs", strings.Replace(outcome(""), `{"stakeholder":"F","value":100}`, ``, 1), "inputs: empty"},
		{"zero inputs", strings.Replace(outcome(""), `"value":100`, `"value":0`, 1), "inputs: total value is 0"},
		{"negative input", strings.Replace(outcome(""), `"value":100}`, `"value":-100}`, 1), "inputs[0].value: negative"},
		{"huge number", strings.Replace(outcome(""), `"quantity":4`, `"quantity":1e400`, 1), "outcomes[0].quantity: number 1e400 is out of range"},
		{"no outcomes", strings.Replace(valid, "%s", "", 1), "outcomes: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := impact.ParseMap([]byte(tt.doc))
			if err == nil {
				t.Fatalf("accepted %s", tt.doc)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code = %s", kernel.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\n does not contain %q", err, tt.want)
			}
		})
	}
}

// genMap draws a valid impact map.
func genMap(t *rapid.T) *impact.Map {
	m := &impact.Map{Currency: "GBP", DiscountRate: rapid.Float64Range(0, 0.2).Draw(t, "r")}
	for i, n := 0, rapid.IntRange(1, 3).Draw(t, "inputs"); i < n; i++ {
		m.Inputs = append(m.Inputs, impact.Input{Stakeholder: "F", Value: rapid.Float64Range(1, 1e6).Draw(t, "input")})
	}
	for i, n := 0, rapid.IntRange(1, 4).Draw(t, "outcomes"); i < n; i++ {
		start := ""
		if rapid.Bool().Draw(t, "after") {
			start = impact.StartAfter
		}
		m.Outcomes = append(m.Outcomes, impact.Outcome{
			Stakeholder: "S", Outcome: "o",
			Quantity:      rapid.Float64Range(0, 1000).Draw(t, "q"),
			Proxy:         impact.Proxy{Value: rapid.Float64Range(0, 1e5).Draw(t, "p")},
			Deadweight:    rapid.Float64Range(0, 1).Draw(t, "dw"),
			Displacement:  rapid.Float64Range(0, 1).Draw(t, "disp"),
			Attribution:   rapid.Float64Range(0, 1).Draw(t, "attr"),
			DropOff:       rapid.Float64Range(0, 1).Draw(t, "drop"),
			DurationYears: rapid.IntRange(1, 10).Draw(t, "years"),
			Start:         start,
		})
	}
	return m
}

func TestSROIProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMap(t)
		res, err := impact.Analyse(m)
		if err != nil {
			t.Fatal(err)
		}
		// The stored total is the sum of the stored rows, added in year
		// order; only displayed (rounded) figures may disagree.
		sum := 0.0
		for _, y := range res.Years {
			sum += y.PresentValue
		}
		if sum != res.PresentValue {
			t.Fatalf("PV %v != sum of years %v", res.PresentValue, sum)
		}
		if res.NetPresentValue != res.PresentValue-res.Inputs {
			t.Fatalf("NPV %v", res.NetPresentValue)
		}
		// Monotonicity: raising a value never lowers the ratio, raising a
		// filter never raises it.
		i := rapid.IntRange(0, len(m.Outcomes)-1).Draw(t, "which")
		bump := func(f func(o *impact.Outcome)) float64 {
			c := *m
			c.Outcomes = append([]impact.Outcome(nil), m.Outcomes...)
			f(&c.Outcomes[i])
			r, err := impact.Analyse(&c)
			if err != nil {
				t.Fatal(err)
			}
			return r.Ratio
		}
		up := func(x float64) float64 { return math.Min(1, x+0.05) }
		if r := bump(func(o *impact.Outcome) { o.Quantity *= 1.5 }); r < res.Ratio {
			t.Fatalf("more quantity lowered the ratio: %v < %v", r, res.Ratio)
		}
		if r := bump(func(o *impact.Outcome) { o.Proxy.Value *= 1.5 }); r < res.Ratio {
			t.Fatalf("higher proxy lowered the ratio: %v < %v", r, res.Ratio)
		}
		for name, f := range map[string]func(o *impact.Outcome){
			"deadweight":   func(o *impact.Outcome) { o.Deadweight = up(o.Deadweight) },
			"displacement": func(o *impact.Outcome) { o.Displacement = up(o.Displacement) },
			"attribution":  func(o *impact.Outcome) { o.Attribution = up(o.Attribution) },
			"drop-off":     func(o *impact.Outcome) { o.DropOff = up(o.DropOff) },
		} {
			if r := bump(f); r > res.Ratio*(1+1e-12) {
				t.Fatalf("more %s raised the ratio: %v > %v", name, r, res.Ratio)
			}
		}
		// Switching values really do bring the ratio to 1.
		for _, s := range res.Sensitivity {
			if s.SwitchingValue == nil {
				continue
			}
			if s.SwitchingKind == "factor" && s.Parameter == impact.ParamQuantities {
				c := *m
				c.Outcomes = append([]impact.Outcome(nil), m.Outcomes...)
				for j := range c.Outcomes {
					c.Outcomes[j].Quantity *= *s.SwitchingValue
				}
				r, err := impact.Analyse(&c)
				if err == nil && math.Abs(r.Ratio-1) > 1e-9 {
					t.Fatalf("quantities x%v give ratio %v", *s.SwitchingValue, r.Ratio)
				}
			}
		}
	})
}

func FuzzParseMap(f *testing.F) {
	f.Add([]byte(designExample))
	f.Add([]byte(`{"currency":"EUR","discount_rate":0,"inputs":[{"stakeholder":"a","value":1}],"outcomes":[{"stakeholder":"b","outcome":"c","quantity":1,"proxy":{"value":1},"duration_years":50,"start":"after","drop_off":1}]}`))
	f.Add([]byte(`{"currency":"GBP","outcomes":[{"proxy":null}],"inputs":[{"value":-1}]}`))
	f.Add([]byte(`{"a":{"b":[1,2,{"c":null}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := impact.ParseMap(data)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error not Invalid: %v", err)
			}
			return
		}
		res, err := impact.Analyse(m)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error not Invalid: %v", err)
			}
			return
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}
