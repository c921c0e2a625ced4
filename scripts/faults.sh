#!/usr/bin/env bash
# The full counts of the fault tests (RELIABILITY.md); CI runs the short
# forms through `go test ./...`.
#   scripts/faults.sh            # 30 kill -9 runs, the other fault tests once
#   FAULT_RUNS=5 scripts/faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export FAULT_RUNS="${FAULT_RUNS:-30}"
go test -count=1 -v -timeout 60m -run 'TestKill9DuringWrites|TestSigtermUnderLoad|TestDatabaseUnreachable|TestBrokenIndexIsRebuiltAtStart|TestHostileRequests|TestNotifyMailSMTPDownThenBack|TestNotifyKillBetweenNotificationAndMail|TestDiskFull|TestPowerLossCopies|TestBackupUnderWriteLoad|TestKill9DuringAnImport|TestUpgradeFromPreviousRelease' . 2>&1 |
  grep -E '^(=== RUN|--- |    [a-z_]+_test\.go|ok|FAIL|PASS)'
