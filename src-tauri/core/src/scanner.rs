//! Serial barcode scanners: read on a background thread, one event per
//! scanned line, surviving unplug and replug by reopening the port.
//! (Keyboard-wedge scanners type into the window; the UI handles those.)

use crate::config::Terminator;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// A complete line, without its terminator.
    Line(String),
    Connected {
        port: String,
    },
    Disconnected {
        port: String,
        error: String,
    },
}

/// A payment code is at most 24 digits; anything this long is line noise
/// (a wrong baud rate, a scanner in another mode) and is dropped.
const MAX_LINE: usize = 128;

/// Splits the byte stream into lines at the configured terminator.
#[derive(Debug)]
pub struct LineAssembler {
    terminator: Terminator,
    buf: Vec<u8>,
}

impl LineAssembler {
    pub fn new(terminator: Terminator) -> Self {
        LineAssembler {
            terminator,
            buf: Vec::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        let end = match self.terminator {
            Terminator::Cr => b'\r',
            Terminator::Crlf | Terminator::Lf => b'\n',
        };
        let mut lines = Vec::new();
        for &b in bytes {
            if b == end {
                let raw = std::mem::take(&mut self.buf);
                let text = String::from_utf8_lossy(&raw);
                let line = text.trim_matches(|c: char| c == '\r' || c == '\n' || c.is_whitespace());
                if !line.is_empty() && raw.len() <= MAX_LINE {
                    lines.push(line.to_string());
                }
            } else if self.buf.len() <= MAX_LINE {
                self.buf.push(b);
            }
        }
        lines
    }
}

/// A running serial reader. Dropping it (or `stop`) ends the thread.
pub struct SerialScanner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SerialScanner {
    pub fn start(
        port: String,
        baud: u32,
        terminator: Terminator,
        events: UnboundedSender<ScannerEvent>,
    ) -> SerialScanner {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("serial-scanner".into())
            .spawn(move || run(&port, baud, terminator, &events, &flag))
            .ok();
        SerialScanner { stop, thread }
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SerialScanner {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Open, read until the device goes away, wait, reopen; until stopped.
fn run(
    port: &str,
    baud: u32,
    terminator: Terminator,
    events: &UnboundedSender<ScannerEvent>,
    stop: &AtomicBool,
) {
    let mut last_error: Option<String> = None;
    while !stop.load(Ordering::SeqCst) {
        let failure = match serialport::new(port, baud)
            .timeout(Duration::from_millis(200))
            .open()
        {
            Ok(mut device) => {
                last_error = None;
                if events
                    .send(ScannerEvent::Connected {
                        port: port.to_string(),
                    })
                    .is_err()
                {
                    return;
                }
                read_lines(device.as_mut(), terminator, events, stop)
            }
            Err(e) => Some(e.to_string()),
        };
        if let Some(error) = failure {
            // Say it once, not every second while the scanner is unplugged.
            if last_error.as_deref() != Some(error.as_str()) {
                let gone = ScannerEvent::Disconnected {
                    port: port.to_string(),
                    error: error.clone(),
                };
                if events.send(gone).is_err() {
                    return;
                }
                last_error = Some(error);
            }
        }
        for _ in 0..5 {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Returns why reading stopped, or None when asked to stop.
fn read_lines(
    device: &mut dyn serialport::SerialPort,
    terminator: Terminator,
    events: &UnboundedSender<ScannerEvent>,
    stop: &AtomicBool,
) -> Option<String> {
    let mut assembler = LineAssembler::new(terminator);
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::SeqCst) {
        match device.read(&mut buf) {
            Ok(0) => return Some("the scanner went away".into()),
            Ok(n) => {
                for line in assembler.push(&buf[..n]) {
                    if events.send(ScannerEvent::Line(line)).is_err() {
                        return None;
                    }
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::TimedOut
                    || e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Some(e.to_string()),
        }
    }
    None
}

/// Serial ports this machine has, for the settings screen.
pub fn available_ports() -> Vec<String> {
    serialport::available_ports()
        .map(|ports| ports.into_iter().map(|p| p.port_name).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_at_the_terminator() {
        let mut a = LineAssembler::new(Terminator::Crlf);
        assert!(a.push(b"13456789").is_empty());
        assert_eq!(a.push(b"0123456789\r\n28"), vec!["134567890123456789"]);
        assert_eq!(
            a.push(b"4567890123456789\r\n\r\n"),
            vec!["284567890123456789"]
        );
        let mut cr = LineAssembler::new(Terminator::Cr);
        assert_eq!(cr.push(b"123\r456\r"), vec!["123", "456"]);
        let mut lf = LineAssembler::new(Terminator::Lf);
        assert_eq!(lf.push(b" 123 \n"), vec!["123"]);
    }

    #[test]
    fn noise_is_dropped() {
        let mut a = LineAssembler::new(Terminator::Lf);
        let long = vec![b'7'; 500];
        assert!(a.push(&long).is_empty());
        assert!(a.push(b"\n").is_empty(), "an overlong line is not a scan");
        assert_eq!(a.push(b"42\n"), vec!["42"]);
    }
}
