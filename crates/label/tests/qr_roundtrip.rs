//! The label read back from its QR image by an independent decoder (rqrr) is the label.

use interdict_audit::SigningKey;
use interdict_label::{qr_png, qr_svg, sign, verify, KeySet, LabelQuantity, Payload, PublishedKey};

fn label() -> (String, KeySet) {
    let key = SigningKey::from_seed([9; 32]);
    let payload = Payload {
        pen: "PEN-NL-2026-004211".into(),
        exporting_country: "NL".into(),
        importing_country: "NG".into(),
        substance_id: Some("un-1988-i-pmk-glycidate".into()),
        cas: Some("13605-48-6".into()),
        quantity: LabelQuantity {
            value: 1250.5,
            unit: "kg".into(),
        },
        exporter: "Rotterdam Fine Chemicals B.V. — Europoort".into(),
        importer: "Lagos Pharma Distribution Ltd".into(),
        issued_at: "2026-12-02T09:30:00Z".into(),
        valid_until: "2027-02-28T23:59:59Z".into(),
        key_id: key.key_id(),
    };
    let keys = KeySet {
        keys: vec![PublishedKey {
            key_id: key.key_id(),
            organisation: "org-nl-ca".into(),
            country: "NL".into(),
            public_key: key.public_key().to_hex(),
            valid_from: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
        }],
    };
    (sign(&payload, &key).unwrap(), keys)
}

#[test]
fn png_decodes_to_the_same_label() {
    let (text, keys) = label();
    let png_bytes = qr_png(&text, 4).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, text);
    assert!(verify(&content, &keys, "2026-12-03T00:00:00Z").valid);
}

#[test]
fn svg_draws_the_same_modules() {
    let (text, _) = label();
    let svg = qr_svg(&text).unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("width=\"50mm\""));
    // Rasterise the SVG's rectangles and decode them too.
    let side: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let scale = 4;
    let px = side * scale;
    let mut pixels = vec![255u8; px * px];
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for cmd in d.split('M').filter(|s| !s.is_empty()) {
        // "<x> <y>h<w>v1h-<w>z"
        let (xy, rest) = cmd.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let w: usize = rest.split('v').next().unwrap().parse().unwrap();
        for yy in y * scale..(y + 1) * scale {
            for xx in x * scale..(x + w) * scale {
                pixels[yy * px + xx] = 0;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| pixels[y * px + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, text);
}
