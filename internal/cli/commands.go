package cli

// commands lists every subcommand in one place.
func commands() []command {
	return []command{
		{name: "version", summary: "print the version", run: runVersion},
		{name: "config", summary: "print the effective configuration (secrets hidden) and check it", run: runConfig},
		{name: "screen", summary: "screen names against watchlists (OFAC, UFLPA, CBP WRO, FollowTheMoney, simple CSV)", run: runScreen},
		{name: "assess", summary: "score supplier files for forced-labour, child-labour and deforestation risk and write the risk register", run: runAssess},
		{name: "dedupe", summary: "find facilities that may be the same place, across files: pairs with score, decision (same or review) and reasons", run: runDedupe},
		{name: "graph", summary: "write the supply graph of files as JSON, CSV or GraphML (Gephi, yEd), filtered by country, commodity, tier or distance from a party", run: runGraph},
		{name: "import", summary: "import supplier files into an organisation and recompute its risk", run: runImport},
		{name: "site-audits", summary: "list the audits and certifications stored for an organisation's suppliers; delete one", run: runSiteAudits},
		{name: "merges", summary: "list the facilities imports merged into others, with where each was read; undo a merge", run: runMerges},
		{name: "recompute", summary: "score an organisation's stored suppliers again (finishes an interrupted import)", run: runRecompute},
		{name: "gen", summary: "generate a synthetic supplier CSV for benchmarks (gen supplychain)", run: runGen},
		{name: "serve", summary: "run the web application and API", run: runServe},
		{name: "migrate", summary: "bring the database schema up to date", run: runMigrate},
		{name: "backup", summary: "write a consistent copy of the database while it runs (SQLite; pg_dump for PostgreSQL)", run: runBackup},
		{name: "restore", summary: "put a backup in place of the database, after checking it", run: runRestore},
		{name: "healthcheck", summary: "ask the local server whether it is ready (exit 0) or not (exit 1), for container health checks", run: runHealthcheck},
		{name: "doctor", summary: "check the database, keys, reference data and watchlists, PDF printing, e-mail and disk space", run: runDoctor},
		{name: "refdata", summary: "list reference datasets; replace one from a newer file", run: runRefdata},
		{name: "keys", summary: "grievance keys: make the organisation recovery key, restore a case handler's access", run: runKeys},
		{name: "audit", summary: "verify the hash-chained audit log", run: runAudit},
		{name: "user", summary: "add, list, disable users; set passwords; reset second factors", run: runUser},
		{name: "warn", summary: "early warning: backtest detectors on daily counts, evaluate them on synthetic series", run: runWarn},
		{name: "report", summary: "write a scorecard, supplier-risk or due-diligence report as HTML, PDF, CSV or XLSX", run: runReport},
		{name: "eudr", summary: "EU Deforestation Regulation: validate plot geolocation files", run: runEUDR},
		{name: "sroi", summary: "compute the social return on investment of an impact map", run: runSroi},
		{name: "impact", summary: "list an organisation's impact programmes; export one's report as CSV", run: runImpact},
	}
}
