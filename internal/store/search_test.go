package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/coveredtool/covered"
)

// TestAssetSearch: Search matches a substring of what people look an
// asset up by, ignoring case, takes LIKE's wildcards literally, and
// CountAssets counts what Assets would list without paging.
func TestAssetSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hosts := []host{
			{name: "10.0.0.1", ip: "10.0.0.1", mac: "00:e0:fc:00:00:01"},
			{name: "10.0.0.2", ip: "10.0.0.2", mac: "44:19:b6:00:00:02"},
			{name: "cam_lobby", ip: "10.0.1.3"},
		}
		ids := []covered.Identification{
			idOf("10.0.0.1", covered.StatusCovered, "Huawei", "Huawei"),
			idOf("10.0.0.2", covered.StatusCovered, "Hikvision", "Hikvision"),
			notCovered("cam_lobby", "Axis"),
		}
		doScan(t, s, Run{Scope: []string{"10.0.0.0/16"}}, hosts, ids)
		for _, tt := range []struct {
			q    string
			want int
		}{
			{"huawei", 1}, {"HIKVISION", 1}, {"10.0.0.", 2}, {"44:19:b6", 1}, {"cam_", 1}, {"cam%", 0}, {"_", 1}, {"", 3}, {"nothing", 0},
		} {
			f := AssetFilter{Search: tt.q}
			got, err := s.Assets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.CountAssets(ctx, AssetFilter{Search: tt.q, Limit: 1, Offset: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want || n != tt.want {
				t.Errorf("search %q: %d assets, count %d, want %d", tt.q, len(got), n, tt.want)
			}
		}
	})
}

// TestAssetKeysetPaging: After continues a list where its last page ended,
// in both id orders, and is refused for the other orders.
func TestAssetKeysetPaging(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var hosts []host
		var ids []covered.Identification
		for i := range 7 {
			name := fmt.Sprintf("10.0.0.%d", i+1)
			hosts = append(hosts, host{name: name, ip: name})
			ids = append(ids, notCovered(name, "Cisco"))
		}
		doScan(t, s, Run{Scope: []string{"10.0.0.0/24"}}, hosts, ids)
		for _, sort := range []AssetSort{"id", "-id"} {
			all, err := s.Assets(ctx, AssetFilter{Sort: sort})
			if err != nil {
				t.Fatal(err)
			}
			var paged []Asset
			var after int64
			for {
				page, err := s.Assets(ctx, AssetFilter{Sort: sort, Limit: 3, After: after})
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, page...)
				if len(page) < 3 {
					break
				}
				after = page[len(page)-1].ID
			}
			if len(paged) != len(all) || len(all) != 7 {
				t.Fatalf("sort %s: %d paged, %d listed, want 7", sort, len(paged), len(all))
			}
			for i := range all {
				if paged[i].ID != all[i].ID {
					t.Errorf("sort %s: item %d is %d paged, %d listed", sort, i, paged[i].ID, all[i].ID)
				}
			}
		}
		if _, err := s.Assets(ctx, AssetFilter{Sort: SortLastSeen, After: 1}); err == nil {
			t.Error("After with the last_seen order was accepted")
		}
	})
}
