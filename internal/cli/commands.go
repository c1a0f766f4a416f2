package cli

// commands lists every subcommand in one place.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
		{name: "sroi", summary: "compute the social return on investment of an impact map", run: runSroi},
	}
}
