//! The systemd units that docs/deploy.md tells engineers to install are valid as printed:
//! `systemd-analyze verify` (Debian's systemd, installed by scripts/test.sh) accepts them,
//! with the documented wenming path pointed at the binary under test.

mod common;

use std::path::Path;
use std::process::Command;

/// The ```ini block that follows the line naming `/etc/systemd/system/{unit}`.
fn unit_from_docs(docs: &str, unit: &str) -> String {
    let named = format!("`/etc/systemd/system/{unit}`:");
    let after = docs
        .split_once(&named)
        .unwrap_or_else(|| panic!("docs/deploy.md names no {unit}"))
        .1;
    let block = after
        .split_once("```ini\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .unwrap_or_else(|| panic!("no ini block after {unit}"))
        .0;
    block.to_string()
}

#[test]
fn the_documented_timer_and_service_pass_systemd_analyze_verify() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy.md"))
            .unwrap_or_else(|e| panic!("{e}"));
    let dir = common::temp();
    let service = unit_from_docs(&docs, "wenming-build.service");
    let timer = unit_from_docs(&docs, "wenming-build.timer");
    assert!(service.contains("ExecStart=/usr/local/bin/wenming build --root /srv/site"));
    assert!(timer.contains("OnCalendar=*:0/5"));
    let service = service.replace("/usr/local/bin/wenming", env!("CARGO_BIN_EXE_wenming"));
    std::fs::write(dir.path().join("wenming-build.service"), service)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("wenming-build.timer"), timer).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.path().join("wenming-build.timer"))
        .arg(dir.path().join("wenming-build.service"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run systemd-analyze (installed by scripts/test.sh): {e}")
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Warnings about the test machine (no running systemd, unknown users) are not about the units.
    for line in stderr.lines() {
        assert!(
            !line.contains("wenming-build"),
            "systemd-analyze complains about the documented units: {line}"
        );
    }
}
