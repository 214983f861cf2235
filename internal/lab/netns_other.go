//go:build !linux

package lab

import (
	"context"
	"fmt"
	"runtime"
)

// StartNetns needs Linux network namespaces.
func StartNetns(context.Context, NetnsConfig) (*Lab, error) {
	return nil, fmt.Errorf("%w: network namespaces need Linux, this is %s", ErrNetnsUnavailable, runtime.GOOS)
}
