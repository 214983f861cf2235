// Command profileports prints a named port profile in nmap -p syntax, so
// benchmark scripts give nmap exactly the ports covered scans.
//
//	go run ./bench/profileports default
package main

import (
	"fmt"
	"os"

	"github.com/coveredtool/covered/internal/targets"
)

func main() {
	name := "default"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	p, err := targets.Profile(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profileports:", err)
		os.Exit(2)
	}
	fmt.Println(p.String())
}
