//! Virtual receipt printers for the tests: a TCP listener on loopback (a
//! network printer on port 9100's stead) and a `socat` pty pair (a serial
//! printer), each keeping every byte it was sent; `escpos::read` turns the
//! bytes back into lines.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Bytes received so far, shared with the thread that reads them.
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<u8>>>);

impl Received {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until `cuts` slips (paper cuts: GS V A 0) have arrived.
    pub fn wait_for_cuts(&self, cuts: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let bytes = self.bytes();
            let seen = bytes
                .windows(4)
                .filter(|w| *w == [0x1D, b'V', b'A', 0])
                .count();
            if seen >= cuts {
                return bytes;
            }
            assert!(
                Instant::now() < deadline,
                "{seen} slip(s) arrived, {cuts} expected ({} bytes)",
                bytes.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Keeps what a network client sends and answers its real-time status
    /// request (DLE EOT n, after the slip: the last bytes it sent) as an
    /// online printer with paper does; with `drop_after`, closes the
    /// connection once that many bytes arrived (a printer switched off in
    /// the middle of a slip).
    fn serve(&self, mut conn: TcpStream, drop_after: Option<usize>) {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = conn.read(&mut buf) {
            if n == 0 {
                return;
            }
            let take = drop_after.map_or(n, |limit| n.min(limit.saturating_sub(seen.len())));
            self.0.lock().unwrap().extend_from_slice(&buf[..take]);
            seen.extend_from_slice(&buf[..take]);
            if drop_after.is_some_and(|limit| seen.len() >= limit) {
                // Gone: unread bytes make the kernel reset the connection.
                return;
            }
            if asks_status(&seen) {
                // 0b0001_0010: the fixed bits, online, no error.
                if conn.write_all(&[0x12]).is_err() {
                    return;
                }
            }
        }
    }

    fn keep(&self, mut from: impl Read) {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            self.0.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    }
}

/// A network receipt printer on 127.0.0.1.
pub struct NetPrinter {
    pub port: u16,
    pub received: Received,
}

impl NetPrinter {
    pub fn start() -> NetPrinter {
        Self::on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// A printer switched on at a port chosen before (`PrinterOff::switch_on`).
    fn start_on(port: u16) -> NetPrinter {
        Self::on(TcpListener::bind(("127.0.0.1", port)).unwrap())
    }

    /// A printer that goes away after taking `bytes` bytes of the first
    /// slip (its connection closed), and is back for the next connection.
    pub fn dropping_first_slip_after(bytes: usize) -> NetPrinter {
        Self::serving(TcpListener::bind("127.0.0.1:0").unwrap(), Some(bytes))
    }

    fn on(listener: TcpListener) -> NetPrinter {
        Self::serving(listener, None)
    }

    fn serving(listener: TcpListener, mut drop_first_after: Option<usize>) -> NetPrinter {
        let port = listener.local_addr().unwrap().port();
        let received = Received::default();
        let keep = received.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                keep.serve(conn, drop_first_after.take());
            }
        });
        NetPrinter { port, received }
    }
}

/// Whether the sender's last bytes are a real-time status request (DLE
/// EOT n): a printer parses its commands, and a request is one only where
/// a command may start; the sender asks after the slip, at the end.
fn asks_status(bytes: &[u8]) -> bool {
    matches!(bytes, [.., 0x10, 0x04, 1..=4])
}

/// A network printer that is switched off: nothing listens at its port,
/// so the app's connection is refused. The port stays held by a socket
/// that is bound but never listens: a port merely found free and let go
/// could be taken meanwhile by another test's server (which would then
/// "print" the slip), or by the app's own connection to it (a TCP
/// connection to a free local port can pick that same port as its source
/// and connect to itself).
pub struct PrinterOff {
    pub port: u16,
    held: socket2::Socket,
}

impl PrinterOff {
    pub fn new() -> PrinterOff {
        let held =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let any_port: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        held.bind(&any_port.into()).unwrap();
        let port = held.local_addr().unwrap().as_socket().unwrap().port();
        PrinterOff { port, held }
    }

    /// The printer switched on, at the same port.
    pub fn switch_on(self) -> NetPrinter {
        drop(self.held);
        NetPrinter::start_on(self.port)
    }
}

impl Default for PrinterOff {
    fn default() -> Self {
        Self::new()
    }
}

/// A serial receipt printer: the app writes to `path`, the printer's end
/// of the pty pair keeps what arrives.
pub struct PtyPrinter {
    pub path: PathBuf,
    pub received: Received,
    socat: std::process::Child,
    _dir: tempfile::TempDir,
}

impl PtyPrinter {
    pub fn start() -> PtyPrinter {
        let dir = tempfile::tempdir().unwrap();
        let host = dir.path().join("ttyPRINTER");
        let printer = dir.path().join("printer-end");
        let socat = std::process::Command::new("socat")
            .arg(format!("pty,raw,echo=0,link={}", host.display()))
            .arg(format!("pty,raw,echo=0,link={}", printer.display()))
            .spawn()
            .expect("socat (scripts/install-deps)");
        for _ in 0..250 {
            if host.exists() && printer.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let end = std::fs::File::open(&printer).unwrap();
        let received = Received::default();
        let keep = received.clone();
        std::thread::spawn(move || keep.keep(end));
        PtyPrinter {
            path: host,
            received,
            socat,
            _dir: dir,
        }
    }
}

impl Drop for PtyPrinter {
    fn drop(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
    }
}
