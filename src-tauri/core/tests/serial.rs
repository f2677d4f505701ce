//! The serial scanner reader on a real (virtual) serial port: a socat pty
//! pair, one end opened by the reader, the other written by the test.
#![allow(clippy::unwrap_used)]

use cashier_core::config::Terminator;
use cashier_core::scanner::{ScannerEvent, SerialScanner};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::mpsc;

fn socat(dir: &Path) -> Child {
    let child = Command::new("socat")
        .arg(format!(
            "pty,raw,echo=0,link={}",
            dir.join("scanner").display()
        ))
        .arg(format!(
            "pty,raw,echo=0,link={}",
            dir.join("host").display()
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("socat must be installed (scripts/install-deps installs it)");
    for _ in 0..100 {
        if dir.join("scanner").exists() && dir.join("host").exists() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("socat did not create the pty pair");
}

async fn next(rx: &mut mpsc::UnboundedReceiver<ScannerEvent>) -> ScannerEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event in time")
        .expect("channel open")
}

fn write_line(dir: &Path, text: &str) {
    let mut end = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("scanner"))
        .unwrap();
    end.write_all(text.as_bytes()).unwrap();
}

#[tokio::test]
async fn reads_lines_and_survives_unplug_and_replug() {
    let dir = tempfile::tempdir().unwrap();
    let mut pair = socat(dir.path());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let host = dir.path().join("host").display().to_string();
    let scanner = SerialScanner::start(host.clone(), 9600, Terminator::Crlf, tx);
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Connected { port: host.clone() }
    );
    // A scanner sends its line in pieces.
    write_line(dir.path(), "1345678901");
    write_line(dir.path(), "23456789\r\n");
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Line("134567890123456789".into())
    );

    // Unplug: the pty disappears.
    pair.kill().unwrap();
    pair.wait().unwrap();
    assert!(matches!(
        next(&mut rx).await,
        ScannerEvent::Disconnected { .. }
    ));

    // Replug at the same path: the reader comes back on its own.
    let _ = std::fs::remove_file(dir.path().join("scanner"));
    let _ = std::fs::remove_file(dir.path().join("host"));
    let mut pair = socat(dir.path());
    loop {
        match next(&mut rx).await {
            ScannerEvent::Connected { port } => {
                assert_eq!(port, host);
                break;
            }
            ScannerEvent::Disconnected { .. } => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    write_line(dir.path(), "284567890123456789\r\n");
    assert_eq!(
        next(&mut rx).await,
        ScannerEvent::Line("284567890123456789".into())
    );
    scanner.stop();
    pair.kill().unwrap();
    let _ = pair.wait();
}
