#!/usr/bin/env bash
# The scheduled publish job's verdict: runs the command it is given (the
# opendata binary and its arguments) and maps its exit status to the job's.
#   0  built and published                          -> the job succeeds
#   3  built and published, some real file refused  -> the job succeeds: the
#      portal shows the refusal to the comune, it is not an outage
#   anything else (1 failure, 2 bad usage, ...)     -> the job fails with it
# The command must be a built binary, not `go run`: go run turns every
# non-zero status into 1, and 3 would read as a failure.
set -uo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
"$@"
status=$?
case "$status" in
  0) exit 0 ;;
  3)
    echo "publish-job: built and published; some files were refused (see the summary and the portal's quality page)" >&2
    exit 0
    ;;
  *)
    echo "publish-job: the run failed with exit status $status" >&2
    exit "$status"
    ;;
esac
