package cli

// commands lists every subcommand in one place.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
		{name: "warn", summary: "early warning: backtest detectors on daily counts, evaluate them on synthetic series", run: runWarn},
		{name: "sroi", summary: "compute the social return on investment of an impact map", run: runSroi},
	}
}
