//! Rendering an acquirer's QR payload: a PNG for screens and files, text for terminals.

use image::{ImageBuffer, Luma};
use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("cannot make a QR code of this payload: {0}")]
    Encode(String),
    #[error("cannot write the QR image: {0}")]
    Image(String),
}

fn code(payload: &str) -> Result<QrCode, QrError> {
    if payload.trim().is_empty() {
        return Err(QrError::Encode("the payload is empty".into()));
    }
    // Medium error correction: readable on a scuffed screen, still a small code.
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))
}

/// A PNG of at least `min_px` pixels a side, with the standard quiet zone.
pub fn png(payload: &str, min_px: u32) -> Result<Vec<u8>, QrError> {
    let img: ImageBuffer<Luma<u8>, Vec<u8>> = code(payload)?
        .render::<Luma<u8>>()
        .min_dimensions(min_px, min_px)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| QrError::Image(e.to_string()))?;
    Ok(out.into_inner())
}

/// The code drawn with half-block characters, for a terminal.
pub fn terminal(payload: &str) -> Result<String, QrError> {
    Ok(code(payload)?
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn renders_a_png() {
        let bytes = super::png("weixin://wxpay/bizpayurl?pr=abc", 300).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert!(img.width() >= 300 && img.width() == img.height());
        assert!(super::png("", 100).is_err());
        assert!(super::terminal("x").unwrap().lines().count() > 5);
    }
}
