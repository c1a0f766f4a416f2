package cli

// commands lists every subcommand in one place.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
	}
}
