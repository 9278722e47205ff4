//! Charts rendered to PNG (twice the SVG's size, for slides), with the machine's fonts (without
//! any installed font the labels are left out).

use crate::error::{ReportError, Result};
use resvg::{tiny_skia, usvg};
use std::sync::OnceLock;

/// The machine's fonts, loaded once.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = usvg::Options::default();
        let fonts = options.fontdb_mut();
        fonts.load_system_fonts();
        // The charts ask for Helvetica or Arial; use a metric-compatible or common sans face.
        let installed = |family: &str| fonts.faces().any(|f| f.families.iter().any(|(name, _)| name == family));
        if let Some(family) = ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans", "Noto Sans"]
            .into_iter()
            .find(|f| installed(f))
        {
            fonts.set_sans_serif_family(family);
        }
        options
    })
}

/// The PNG bytes of SVG document `svg`, at `scale` times its size.
pub fn png(svg: &str, scale: f32, name: &str) -> Result<Vec<u8>> {
    let invalid = |reason: String| ReportError::Invalid {
        path: name.to_string(),
        reason,
    };
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| invalid(format!("cannot read the chart: {e}")))?;
    let size = tree.size().to_int_size();
    let width = (size.width() as f32 * scale).ceil() as u32;
    let height = (size.height() as f32 * scale).ceil() as u32;
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or_else(|| invalid(format!("empty chart size {width}x{height}")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| invalid(format!("cannot encode the PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::{Chart, Line, PALETTE};

    #[test]
    fn a_chart_renders_to_a_png_of_twice_its_size_with_the_line_drawn() {
        let mut c = Chart::new("t", "day", "y");
        c.lines.push(Line {
            name: "l".into(),
            points: vec![(0.0, 0.0), (1.0, 1.0)],
            color: PALETTE[0],
            dashed: false,
            width: 2.0,
        });
        let bytes = png(&c.svg(), 2.0, "t").unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let image = tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert_eq!((image.width(), image.height()), (1440, 720));
        // Some pixel carries the line's blue (#0072B2).
        let blue = image
            .pixels()
            .iter()
            .any(|p| p.red() < 30 && (100..130).contains(&p.green()) && p.blue() > 160);
        assert!(blue, "the line is drawn");
    }
}
