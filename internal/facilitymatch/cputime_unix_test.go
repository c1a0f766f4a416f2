//go:build unix

package facilitymatch_test

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time. Benchmarks report it
// per operation because wall time on a shared machine depends on what else
// runs; CPU time is the cost that bounds throughput.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
