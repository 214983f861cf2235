package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/coveredtool/covered/internal/output"
	"github.com/schollz/progressbar/v3"
)

// progress shows hosts done, found and rate on stderr during long work; it
// is silent when stderr is not a terminal or --quiet is set.
type progress struct {
	bar   *progressbar.ProgressBar
	found int
}

func newProgress(stderr io.Writer, quiet bool, total uint64) *progress {
	if quiet || !output.IsTerminal(stderr) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("hosts"),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// hostDone counts one finished host; flagged says it was covered or suspected.
func (p *progress) hostDone(flagged bool) {
	if p.bar == nil {
		return
	}
	if flagged {
		p.found++
		p.bar.Describe(fmt.Sprintf("scanning (%d found)", p.found))
	}
	p.bar.Add(1)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
