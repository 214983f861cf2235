package flow

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// benchFlows is the number of flows of each synthetic file: about 67 MB of
// nfdump 1.6 CSV and 23 MB of VPC flow log.
const benchFlows = 200_000

// benchData writes benchFlows flows of 2,000 hosts in the layout of
// format: one in 50 goes to a covered carrier's prefix, the rest to
// ordinary (documentation and private) addresses.
func benchData(format string) []byte {
	var buf bytes.Buffer
	remote := func(i int) string {
		switch {
		case i%50 == 0:
			return fmt.Sprintf("198.51.100.%d", i%256)
		case i%50 == 1:
			return fmt.Sprintf("203.0.113.%d", i%256)
		case i%3 == 0:
			return fmt.Sprintf("192.0.2.%d", i%256)
		}
		return fmt.Sprintf("172.%d.%d.%d", 16+i%16, i/256%256, i%256)
	}
	if format == "nfdump-csv" {
		buf.WriteString("ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr\n")
		for i := range benchFlows {
			fmt.Fprintf(&buf, "2026-11-27 10:%02d:%02d,2026-11-27 10:%02d:%02d,1.000,10.0.%d.%d,%s,%d,443,TCP,...AP.SF,0,0,12,3400,0,0,2,3,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0.000,0.000,0.000,10.0.0.1,0/0,1,2026-11-27 10:05:00.000\n",
				i/60%60, i%60, i/60%60, i%60, i%2000/250, i%250, remote(i), 1024+i%60000)
		}
		buf.WriteString("Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,2,3,4,5,6\n")
		return buf.Bytes()
	}
	buf.WriteString(vpcDefault + "\n")
	for i := range benchFlows {
		fmt.Fprintf(&buf, "2 123456789010 eni-1235b8ca123456789 10.0.%d.%d %s %d 443 6 20 4249 %d %d ACCEPT OK\n",
			i%2000/250, i%250, remote(i), 1024+i%60000, 1795773600+i/100, 1795773660+i/100)
	}
	return buf.Bytes()
}

// BenchmarkRead reports MB/s of each format through the prefix-list
// lookup of the tests.
func BenchmarkRead(b *testing.B) {
	nets := networks(b)
	for _, f := range []importer.Format{nfdumpFormat{}, vpcFormat{}} {
		data := benchData(f.Name())
		b.Run(f.Name(), func(b *testing.B) {
			src := importer.Source{Name: "bench", Seen: seen, Options: importer.Options{Networks: nets}}
			importtest.Bench(b, f, data, src)
			b.ReportMetric(float64(benchFlows)*float64(b.N)/b.Elapsed().Seconds(), "flows/s")
		})
	}
}
