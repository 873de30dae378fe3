// Package scripts holds the tests of the shell scripts that CI and the
// scheduled workflow run.
package scripts

import (
	"errors"
	"os/exec"
	"strconv"
	"testing"
)

// TestPublishJob feeds publish-job.sh fake commands with the exit codes of
// `opendata run` and checks the job's status: a refused file (3) must not
// fail the scheduled job, a failure must.
func TestPublishJob(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	for _, tt := range []struct{ run, job int }{
		{0, 0},
		{1, 1},
		{2, 2},
		{3, 0},
	} {
		t.Run(strconv.Itoa(tt.run), func(t *testing.T) {
			cmd := exec.Command("bash", "publish-job.sh", "sh", "-c", "exit "+strconv.Itoa(tt.run))
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.job {
				t.Errorf("command exits %d: job status %d, want %d\n%s", tt.run, code, tt.job, out)
			}
		})
	}
	// The arguments reach the command untouched.
	out, err := exec.Command("bash", "publish-job.sh", "printf", "%s|", "a b", "--to", "s3://x/y").Output()
	if err != nil || string(out) != "a b|--to|s3://x/y|" {
		t.Errorf("arguments: %q, %v", out, err)
	}
}
