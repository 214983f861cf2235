package flow_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's are claimed by their flow format alone, and no
// other file by a flow format. The inputs written here are near misses:
// CSV and space-separated files that are not flows.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"nfdump-csv", "aws-vpc-flow"},
		Own: map[string]string{
			"nfdump-1.6.csv":            "nfdump-csv",
			"nfdump-1.7.csv":            "nfdump-csv",
			"vpc-default.log":           "aws-vpc-flow",
			"vpc-default.log.gz":        "aws-vpc-flow",
			"vpc-custom.log":            "aws-vpc-flow",
			"vpc-cloudwatch-export.log": "aws-vpc-flow",
		},
		Extra: map[string]importtest.Sample{
			"kea-like csv":        {Data: "address,hwaddr,client_id,valid_lifetime\n10.0.0.1,00:11:22:33:44:55,,3600\n"},
			"nfdump fmt output":   {Data: "Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Packets    Bytes Flows\n"},
			"nfdump summary only": {Data: "Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,2,3,4,5,6\n"},
			"vpc version 3":       {Data: "3 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n"},
			"vpc-like no eni":     {Data: "2 123456789010 i-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n"},
			"header without addr": {Data: "version account-id interface-id srcport dstport\n"},
			"gzip of other text":  {Data: gz("10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n")},
			"gzip of one byte":    {Data: "\x1f\x8b"},
		},
	})
}

func gz(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}
