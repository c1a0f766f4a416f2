package geo

import "testing"

func GeoDataForTest(testing.TB) []byte { return worldTopo }
