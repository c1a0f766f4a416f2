//go:build !unix

package facilitymatch_test

import "time"

func cpuTime() time.Duration { return 0 }
