// Command opendata pulls the spreadsheets of a catalog of datasets, checks
// them, keeps every good version and builds and publishes a static open-data
// portal. Run `opendata help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes other tools rely on.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitRejected = 3 // build: built, but some dataset's latest file was refused (examples do not count)
)

// exitError carries an exit code other than 1 up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets from main: the streams, so tests can run
// commands in-process.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"build", "pull, validate, store, export and render the portal", runBuild},
		{"check", "validate spreadsheets against a schema, without building", runCheck},
		{"publish", "sync a built portal to a folder or an S3 bucket", runPublish},
		{"schema", "schema infer FILE: draft a schema from a spreadsheet", runSchema},
		{"run", "build, then publish (the body of a scheduled job)", runRun},
		{"schedule", "daemon: run the pipeline on the catalog's cron schedules", runSchedule},
		{"serve", "preview the portal locally; with --inbox, the upload desk", runServe},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	setMemoryLimit(os.Getenv)
	stopProfiles := startProfiles(os.Getenv)
	code := Main(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv})
	stopProfiles()
	stop()
	os.Exit(code)
}

// Main runs one command and maps its error to an exit code: the one place
// where that happens.
func Main(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if err == nil {
			return exitOK
		}
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				fmt.Fprintf(e.stderr, "opendata %s: %v\n", c.name, ee.err)
			}
			return ee.code
		}
		fmt.Fprintf(e.stderr, "opendata %s: %v\n", c.name, err)
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "opendata: unknown command %q\n\n", args[0])
	printHelp(e.stderr)
	return exitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "opendata builds and publishes a static open-data portal from the spreadsheets of a catalog.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: opendata COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command works with no flags on the embedded demo catalog.")
	fmt.Fprintln(w, "Run `opendata COMMAND --help` for the flags of a command.")
}

// newFlags makes a flag set whose errors and help go to stderr and which
// reports bad usage with exit code 2.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: opendata %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitUsage}
	}
	return nil
}
