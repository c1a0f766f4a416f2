// Command upstream runs the Upstream server and its batch commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/upstream-platform/upstream/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
