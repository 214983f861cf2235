package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/spf13/cobra"
)

func (p Program) listsCmd() *cobra.Command {
	var (
		out    outFlags
		know   knowFlags
		entity string
	)
	cmd := &cobra.Command{
		Use:   "lists [entities|regimes|entries|companies]",
		Short: "Show the covered lists: regimes, entities, companies and brands, with sources",
		Long: `lists shows the knowledge classification uses, every fact with its source:

  entities   the covered entities, their regimes, dates and scope (default)
  regimes    the legal regimes (FCC Covered List, NDAA §889 / FAR 52.204-25,
             FAR 52.204-23) and user policy packs
  entries    every entry of every regime, with its exact wording and date
  companies  subsidiaries, affiliates, brands, OEM relabels and look-alikes,
             with their status and dates

--policy FILE adds a policy pack (e.g. a state ban) and shows it merged.`,
		Example: `  covered lists
  covered lists entries --format json
  covered lists companies --entity hikvision
  covered lists --policy texas-2026.yaml regimes`,
		ValidArgs: []string{"entities", "regimes", "entries", "companies"},
		Args:      args(cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs)),
		RunE: func(cmd *cobra.Command, a []string) error {
			what := "entities"
			if len(a) == 1 {
				what = a[0]
			}
			l, err := know.lists()
			if err != nil {
				return err
			}
			if entity != "" {
				if _, ok := l.Entity(entity); !ok {
					return usageErr("--entity: unknown entity %q (see 'covered lists')", entity)
				}
			}
			w, format, closeOut, err := out.open(p.Stdout)
			if err != nil {
				return err
			}
			werr := writeLists(w, format, l, what, entity)
			return errors.Join(werr, closeOut())
		},
	}
	out.register(cmd)
	know.register(cmd)
	cmd.Flags().StringVar(&entity, "entity", "", "only rows of this entity `ID` (e.g. huawei)")
	return cmd
}

func writeLists(w interface{ Write([]byte) (int, error) }, f output.Format, l *policy.Lists, what, entity string) error {
	keep := func(id string) bool { return entity == "" || id == entity }
	switch what {
	case "regimes":
		o := output.New(w, f, []output.Column[policy.Regime]{
			{Name: "id", Value: func(r policy.Regime) string { return r.ID }},
			{Name: "name", Value: func(r policy.Regime) string { return r.Name }},
			{Name: "citation", Value: func(r policy.Regime) string { return r.Citation }},
			{Name: "entries", Value: func(r policy.Regime) string { return fmt.Sprint(len(r.Entries)) }},
			{Name: "binds", Value: func(r policy.Regime) string { return r.Binds }, Wide: true},
			{Name: "source", Value: func(r policy.Regime) string { return r.URL }, Wide: true},
		})
		for _, r := range l.Regimes {
			if err := o.Write(r); err != nil {
				return err
			}
		}
		return o.Close()
	case "entries":
		type row struct {
			Regime string `json:"regime"`
			policy.Entry
		}
		o := output.New(w, f, []output.Column[row]{
			{Name: "regime", Value: func(r row) string { return r.Regime }},
			{Name: "no", Value: func(r row) string { return fmt.Sprint(r.No) }},
			{Name: "entity", Value: func(r row) string { return r.Entity }},
			{Name: "date", Value: func(r row) string { return r.Date }},
			{Name: "kind", Value: func(r row) string { return r.Kind }},
			{Name: "wording", Value: func(r row) string { return r.Wording }},
			{Name: "basis", Value: func(r row) string { return r.Basis }, Wide: true},
			{Name: "source", Value: func(r row) string { return r.Source }, Wide: true},
		})
		for _, r := range l.Regimes {
			for _, e := range r.Entries {
				if keep(e.Entity) {
					if err := o.Write(row{r.ID, e}); err != nil {
						return err
					}
				}
			}
		}
		return o.Close()
	case "companies":
		o := output.New(w, f, []output.Column[policy.Company]{
			{Name: "name", Value: func(c policy.Company) string { return c.Name }},
			{Name: "entity", Value: func(c policy.Company) string { return c.Entity }},
			{Name: "relation", Value: func(c policy.Company) string { return c.Relation }},
			{Name: "covered", Value: func(c policy.Company) string { return fmt.Sprint(c.Covered) }},
			{Name: "since", Value: func(c policy.Company) string { return c.Since }},
			{Name: "until", Value: func(c policy.Company) string { return c.Until }},
			{Name: "review", Value: func(c policy.Company) string { return c.Review }},
			{Name: "note", Value: func(c policy.Company) string { return c.Note }, Wide: true},
			{Name: "source", Value: func(c policy.Company) string { return c.Source }, Wide: true},
		})
		for _, c := range l.Companies {
			if keep(c.Entity) {
				if err := o.Write(c); err != nil {
					return err
				}
			}
		}
		return o.Close()
	}
	o := output.New(w, f, []output.Column[policy.Entity]{
		{Name: "id", Value: func(e policy.Entity) string { return e.ID }},
		{Name: "name", Value: func(e policy.Entity) string { return e.Name }},
		{Name: "regimes", Value: func(e policy.Entity) string { return strings.Join(e.Regimes, " ") }},
		{Name: "listed", Value: func(e policy.Entity) string { return e.Listed }},
		{Name: "covers", Value: func(e policy.Entity) string { return e.Covers }},
		{Name: "scope_note", Value: func(e policy.Entity) string { return e.ScopeNote }, Wide: true},
		{Name: "sources", Value: func(e policy.Entity) string { return strings.Join(e.Sources, "; ") }, Wide: true},
	})
	for _, e := range l.Entities {
		if keep(e.ID) {
			if err := o.Write(e); err != nil {
				return err
			}
		}
	}
	return o.Close()
}
