// Package all links every importer format into the binary.
package all

import (
	_ "github.com/coveredtool/covered/internal/importer/observations" // covered's own JSON Lines
)
