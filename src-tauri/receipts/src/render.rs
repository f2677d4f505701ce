//! A slip's lines to ESC/POS bytes through the `escpos` crate: printed
//! into memory first, so the same bytes go to whichever printer, and a
//! printer that fails halfway gets the whole slip again next time.

use crate::layout::{self, Line, Paper};
use crate::raster;
use crate::slip::Slip;
use crate::PrintError;
use cashier_core::config::{PrinterConfig, TextEncoding};
use cashier_core::ledger::DayClose;
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{
    Encoder, JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};
use std::cell::RefCell;
use std::rc::Rc;

/// FS &: a Chinese printer's double-byte character mode (GB18030 or Big5,
/// as its code page is set).
const CHINESE_MODE: [u8; 2] = [0x1C, 0x26];

/// The bytes a printer would have received.
#[derive(Clone, Default)]
struct Memory(Rc<RefCell<Vec<u8>>>);

impl Driver for Memory {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

fn paper(printer: &PrinterConfig) -> Result<Paper, PrintError> {
    Paper::from_mm(printer.width_mm)
        .ok_or_else(|| PrintError::Content("printer.width_mm must be 58 or 80".into()))
}

/// The slip as this printer takes it, in `language` ("en", "zh-Hant", "zh-Hans").
pub fn render(slip: &Slip, printer: &PrinterConfig, language: &str) -> Result<Vec<u8>, PrintError> {
    let paper = paper(printer)?;
    render_lines(
        layout::lines(slip, paper, language),
        paper,
        printer,
        language,
    )
}

/// The day's close at this counter as this printer takes it.
pub fn render_day(
    close: &DayClose,
    shop_name: &str,
    printer: &PrinterConfig,
    language: &str,
) -> Result<Vec<u8>, PrintError> {
    let paper = paper(printer)?;
    render_lines(
        layout::day_lines(close, shop_name, paper, language),
        paper,
        printer,
        language,
    )
}

fn render_lines(
    lines: Vec<Line>,
    paper: Paper,
    printer: &PrinterConfig,
    language: &str,
) -> Result<Vec<u8>, PrintError> {
    let (encoding, name) = match printer.encoding {
        TextEncoding::Gb18030 => (encoding_rs::GB18030, "GB18030"),
        TextEncoding::Big5 => (encoding_rs::BIG5, "Big5"),
        TextEncoding::Raster => return render_raster(&lines, paper, printer, language),
    };
    let memory = Memory::default();
    let columns = u8::try_from(paper.columns()).unwrap_or(u8::MAX);
    let mut p = Printer::new(
        memory.clone(),
        Protocol::new(Encoder::new(encoding)),
        Some(PrinterOptions::new(None, None, columns)),
    );
    let fail = |e: escpos::errors::PrinterError| {
        match e {
        escpos::errors::PrinterError::Input(_) => PrintError::Content(format!(
            "the printer's {name} character set cannot print this slip (a name or a word has no {name} glyph); choose the other encoding in Settings → Printer"
        )),
        other => PrintError::Content(format!("cannot lay out the slip: {other}")),
    }
    };
    p.init().map_err(fail)?;
    p.custom(&CHINESE_MODE).map_err(fail)?;
    for line in lines {
        match line {
            Line::Title(t) => p
                .justify(JustifyMode::CENTER)
                .and_then(|p| p.bold(true))
                .and_then(|p| p.size(2, 2))
                .and_then(|p| p.writeln(&t))
                .and_then(|p| p.reset_size())
                .and_then(|p| p.bold(false))
                .and_then(|p| p.justify(JustifyMode::LEFT)),
            Line::Center(t) => p
                .justify(JustifyMode::CENTER)
                .and_then(|p| p.writeln(&t))
                .and_then(|p| p.justify(JustifyMode::LEFT)),
            Line::Heading(t) => p
                .justify(JustifyMode::CENTER)
                .and_then(|p| p.bold(true))
                .and_then(|p| p.writeln(&t))
                .and_then(|p| p.bold(false))
                .and_then(|p| p.justify(JustifyMode::LEFT)),
            Line::Text(t) => p.writeln(&t),
            Line::Strong(t) => p
                .bold(true)
                .and_then(|p| p.writeln(&t))
                .and_then(|p| p.bold(false)),
            Line::Rule => p.writeln(&"-".repeat(paper.columns())),
            Line::Qr(data) => qr(&mut p, &data),
        }
        .map_err(fail)?;
    }
    p.feeds(4).and_then(|p| p.print_cut()).map_err(fail)?;
    let bytes = memory.0.borrow().clone();
    Ok(bytes)
}

/// The same lines as pictures (`raster.rs`): no character set is used, so
/// any ESC/POS printer prints them; the QR code stays the printer's own.
fn render_raster(
    lines: &[Line],
    paper: Paper,
    printer: &PrinterConfig,
    language: &str,
) -> Result<Vec<u8>, PrintError> {
    let pictures = raster::draw(lines, paper, printer.raster_font(), language)?;
    let memory = Memory::default();
    let mut p = Printer::new(memory.clone(), Protocol::default(), None);
    let fail = |e: escpos::errors::PrinterError| {
        PrintError::Content(format!("cannot lay out the slip: {e}"))
    };
    p.init().map_err(fail)?;
    for (line, picture) in lines.iter().zip(pictures) {
        match (line, picture) {
            (_, Some(picture)) => p.custom(&picture.gs_v_0()),
            (Line::Qr(data), None) => qr(&mut p, data),
            (_, None) => continue,
        }
        .map_err(fail)?;
    }
    p.feeds(4).and_then(|p| p.print_cut()).map_err(fail)?;
    let bytes = memory.0.borrow().clone();
    Ok(bytes)
}

/// A QR code of `data`, centred, model 2, module 6, correction M.
fn qr<'a>(
    p: &'a mut Printer<Memory>,
    data: &str,
) -> escpos::errors::Result<&'a mut Printer<Memory>> {
    p.justify(JustifyMode::CENTER)
        .and_then(|p| {
            p.qrcode_option(
                data,
                QRCodeOption::new(QRCodeModel::Model2, 6, QRCodeCorrectionLevel::M),
            )
        })
        .and_then(|p| p.justify(JustifyMode::LEFT))
}
