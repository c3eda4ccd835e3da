//! The label as a QR code: SVG for documents and the web, PNG for label printers. Error
//! correction level M (15 % of the symbol may be lost to a scuffed or wet package), a quiet
//! zone of four modules as ISO/IEC 18004 asks, printed at least 40 mm wide.

use qrcode::{Color, EcLevel, QrCode};

/// Why a label cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[error("the label cannot be encoded as a QR code: {0}")]
pub struct QrError(String);

/// The quiet zone around the symbol, in modules.
const QUIET: usize = 4;

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(e.to_string()))
}

/// The modules, dark `true`, row by row, with the quiet zone; and the side in modules.
fn modules(text: &str) -> Result<(Vec<bool>, usize), QrError> {
    let code = code(text)?;
    let width = code.width();
    let side = width + 2 * QUIET;
    let mut out = vec![false; side * side];
    for (i, c) in code.to_colors().into_iter().enumerate() {
        let (x, y) = (i % width + QUIET, i / width + QUIET);
        out[y * side + x] = c == Color::Dark;
    }
    Ok((out, side))
}

/// An SVG of the label's QR code, 50 mm square (scalable), one path of dark modules.
pub fn qr_svg(text: &str) -> Result<String, QrError> {
    let (m, side) = modules(text)?;
    let mut path = String::new();
    for y in 0..side {
        let mut x = 0;
        while x < side {
            if m[y * side + x] {
                let start = x;
                while x < side && m[y * side + x] {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"50mm\" height=\"50mm\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" role=\"img\" \
         aria-label=\"shipment label QR code\"><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// A greyscale PNG of the label's QR code, `scale` pixels per module (8 gives about 50 mm at
/// 300 dpi for a typical label).
pub fn qr_png(text: &str, scale: usize) -> Result<Vec<u8>, QrError> {
    let scale = scale.clamp(1, 32);
    let (m, side) = modules(text)?;
    let px = side * scale;
    let mut pixels = vec![255u8; px * px];
    for y in 0..px {
        for x in 0..px {
            if m[(y / scale) * side + x / scale] {
                pixels[y * px + x] = 0;
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, px as u32, px as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        // 300 dpi, so a printer sizes it as meant.
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 11_811,
            yppu: 11_811,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().map_err(|e| QrError(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| QrError(e.to_string()))?;
    }
    Ok(out)
}
