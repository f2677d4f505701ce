//! Bytes to a printer: a serial port, a USB printer device (`/dev/usb/lp0`,
//! the kernel's usblp driver) or the network (raw TCP, usually port 9100),
//! each with a timeout, so a printer that is off or unplugged is an error
//! in seconds, never a hang.
//!
//! On the network a write "succeeds" once the bytes are in this computer's
//! socket buffer, so a printer switched off or unplugged halfway through a
//! slip would look like one that printed it. After the slip, the printer is
//! asked for its real-time status (DLE EOT 1), which every ESC/POS network
//! printer answers on the same connection: a connection that was closed or
//! reset meanwhile means the slip may be cut short, and it stays queued
//! (printed whole again later; a torn half slip costs paper, a lost slip
//! costs the customer). A printer that takes the slip but never talks back
//! keeps the old rule: the bytes were taken, the slip is done.

use crate::PrintError;
use cashier_core::config::{PrinterConfig, PrinterKind};
use escpos::driver::{Driver, FileDriver, SerialPortDriver};
use std::io::{ErrorKind, Read, Write};
use std::net::ToSocketAddrs;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(5);
/// How long a network printer has to answer the status request after a
/// slip (and to take each write).
const NETWORK_TIMEOUT: Duration = Duration::from_secs(3);
/// DLE EOT 1, the printer's real-time status. Written by hand: the
/// `escpos` crate's `real_time_status` appends a fourth byte (0) that only
/// the n = 7, 8 and 18 forms take.
const PRINTER_STATUS: [u8; 3] = [0x10, 0x04, 0x01];

/// Writes the bytes and flushes; `Err` means the printer may not have
/// printed the slip (it stays queued).
pub fn send(bytes: &[u8], printer: &PrinterConfig) -> Result<(), PrintError> {
    let offline = |what: String| {
        move |e: escpos::errors::PrinterError| PrintError::Offline(format!("{what}: {e}"))
    };
    match printer.kind {
        PrinterKind::Serial => {
            let path = printer.path_or_default();
            let what = format!("on {path}");
            let d = SerialPortDriver::open(&path, printer.baud, Some(TIMEOUT))
                .map_err(offline(format!("{what} cannot be opened")))?;
            write_all(&d, bytes, &what)
        }
        PrinterKind::Usb => {
            let path = printer.path_or_default();
            let what = format!("on {path}");
            let d = FileDriver::open(std::path::Path::new(&path))
                .map_err(offline(format!("{what} cannot be opened")))?;
            write_all(&d, bytes, &what)
        }
        PrinterKind::Network => {
            let host = printer.host.clone().unwrap_or_default();
            let what = format!("at {host}:{}", printer.port);
            let addr = (host.as_str(), printer.port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| {
                    PrintError::Offline(format!("{what}: the address cannot be found"))
                })?;
            send_network(bytes, addr, &what)
        }
    }
}

/// The slip over TCP, then the printer's status asked for and read back on
/// the same connection. Closed or reset before it answers: the slip may be
/// torn, `Err` (it stays queued). No answer in time: a printer that does
/// not talk back, `Ok`. Plain `TcpStream` rather than `escpos`'s
/// `NetworkDriver`: the close must be graceful, and the driver gives no
/// way to shut the sending side down.
fn send_network(bytes: &[u8], addr: SocketAddr, what: &str) -> Result<(), PrintError> {
    let mut stream = TcpStream::connect_timeout(&addr, NETWORK_TIMEOUT)
        .map_err(|e| PrintError::Offline(format!("{what} cannot be reached: {e}")))?;
    let _ = stream.set_nodelay(true);
    stream
        .set_write_timeout(Some(NETWORK_TIMEOUT))
        .and_then(|()| stream.set_read_timeout(Some(NETWORK_TIMEOUT)))
        .and_then(|()| stream.write_all(bytes))
        .and_then(|()| stream.flush())
        .map_err(|e| PrintError::Offline(format!("{what} stopped taking the slip: {e}")))?;
    let gone = |e: String| PrintError::Offline(format!("{what} went away during the slip: {e}"));
    stream
        .write_all(&PRINTER_STATUS)
        .map_err(|e| gone(e.to_string()))?;
    let mut answer = [0u8; 1];
    let taken = match stream.read(&mut answer) {
        Ok(0) => Err(gone("the connection was closed".into())),
        // Any answer: the connection held to the end of the slip. A printer
        // that says it is offline (cover open, paper out) keeps the slip in
        // its buffer and prints it when it is back.
        Ok(_) => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(()),
        Err(e) => Err(gone(e.to_string())),
    };
    if taken.is_ok() {
        close_gracefully(stream);
    }
    taken
}

/// Says "no more" (FIN) and reads what the printer still sends (status
/// bytes it volunteers) until it closes or a moment passes: closing with
/// unread bytes would reset the connection, and a printer may drop the end
/// of a slip it had not printed yet.
fn close_gracefully(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 256];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

fn write_all(d: &impl Driver, bytes: &[u8], what: &str) -> Result<(), PrintError> {
    d.write(bytes)
        .and_then(|()| d.flush())
        .map_err(|e| PrintError::Offline(format!("{what} stopped taking the slip: {e}")))
}
