//! Bytes to a printer: a serial port, a USB printer device (`/dev/usb/lp0`,
//! the kernel's usblp driver) or the network (raw TCP, usually port 9100),
//! each with a timeout, so a printer that is off or unplugged is an error
//! in seconds, never a hang.

use crate::PrintError;
use cashier_core::config::{PrinterConfig, PrinterKind};
use escpos::driver::{Driver, FileDriver, NetworkDriver, SerialPortDriver};
use std::net::ToSocketAddrs;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(5);

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
            let d = NetworkDriver::open(&addr.ip().to_string(), addr.port(), Some(TIMEOUT))
                .map_err(offline(format!("{what} cannot be reached")))?;
            write_all(&d, bytes, &what)
        }
    }
}

fn write_all(d: &impl Driver, bytes: &[u8], what: &str) -> Result<(), PrintError> {
    d.write(bytes)
        .and_then(|()| d.flush())
        .map_err(|e| PrintError::Offline(format!("{what} stopped taking the slip: {e}")))
}
