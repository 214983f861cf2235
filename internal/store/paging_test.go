package store

import (
	"context"
	"fmt"
	"testing"
)

// TestKeysetPagingOfRunsAndAudit walks the runs (newest first, Before) and
// the audit log (oldest first, After) page by page: every entry once, in
// order.
func TestKeysetPagingOfRunsAndAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var want []int64
		for i := 0; i < 5; i++ {
			want = append([]int64{beginRun(t, s, Run{})}, want...)
			if err := s.SetSetting(ctx, "k", fmt.Sprint(i), "tester"); err != nil {
				t.Fatal(err)
			}
		}
		var got []int64
		for f := (RunFilter{Limit: 2}); ; {
			page, err := s.Runs(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				got = append(got, r.ID)
			}
			if len(page) < f.Limit {
				break
			}
			f.Before = page[len(page)-1].ID
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("runs by pages of 2: %v, want %v", got, want)
		}
		all, err := s.Audit(ctx, AuditFilter{})
		if err != nil || len(all) < 5 {
			t.Fatalf("audit: %d entries, %v", len(all), err)
		}
		var ids []int64
		for f := (AuditFilter{Limit: 2}); ; {
			page, err := s.Audit(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				ids = append(ids, e.ID)
			}
			if len(page) < f.Limit {
				break
			}
			f.After = page[len(page)-1].ID
		}
		if len(ids) != len(all) || ids[0] != all[0].ID || ids[len(ids)-1] != all[len(all)-1].ID {
			t.Errorf("audit by pages of 2: %v, want the %d entries in order", ids, len(all))
		}
	})
}
