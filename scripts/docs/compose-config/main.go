// Command compose-config validates Compose files the way `docker compose config` does: it loads them with
// compose-go, the loader Docker Compose v2 itself uses (Compose Specification schema, interpolation,
// normalisation, cross-references such as services → secrets), and prints the resolved model. Used where the
// docker CLI has no compose plugin (this project's CI machine). Usage: compose-config FILE...
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-config FILE...")
		os.Exit(2)
	}
	failed := false
	for _, file := range os.Args[1:] {
		if err := check(file); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// No variables from this process: the file must not depend on the caller's environment (a token in
	// particular) to be valid.
	options, err := cli.NewProjectOptions(
		[]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalYAML()
	if err != nil {
		return err
	}
	fmt.Printf("# %s: valid (%d service(s), %d secret(s))\n%s", file, len(project.Services), len(project.Secrets), out)
	return nil
}
