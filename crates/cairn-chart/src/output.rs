//! Image formats and the one place that turns a drawing into SVG text or PNG bytes.

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};

use crate::{ChartError, PlotGeometry};

/// Largest width or height a chart may ask for, in pixels.
pub const MAX_SIDE_PX: u32 = 8_000;
/// Smallest width or height, in pixels.
pub const MIN_SIDE_PX: u32 = 120;

/// An image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Scalable vector graphics (text).
    #[default]
    Svg,
    /// A PNG picture (RGB, 8 bits per channel).
    Png,
}

impl Format {
    /// The format a file name asks for, by its extension (`.svg` or `.png`, any case).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// A rendered chart: the image and where its plot area is.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The image's format.
    pub format: Format,
    /// SVG text (UTF-8) or PNG bytes.
    pub bytes: Vec<u8>,
    /// The plot area, for hover crosshairs.
    pub geometry: PlotGeometry,
}

impl Rendered {
    /// The SVG text, when the format is SVG.
    pub fn svg(&self) -> Option<&str> {
        match self.format {
            Format::Svg => std::str::from_utf8(&self.bytes).ok(),
            Format::Png => None,
        }
    }
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Drawing {
    /// What the drawing reports besides its geometry (line charts: point counts).
    type Extra;
    /// Draws on `root`, which has the chart's full size.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, Self::Extra), ChartError>;
}

pub(crate) fn check_size(width: u32, height: u32) -> Result<(), ChartError> {
    let valid = MIN_SIDE_PX..=MAX_SIDE_PX;
    if valid.contains(&width) && valid.contains(&height) {
        Ok(())
    } else {
        Err(ChartError::InvalidOptions(format!(
            "size {width}x{height}: width and height must be {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels"
        )))
    }
}

/// Renders `drawing` at `width` × `height` pixels in `format`.
pub(crate) fn render<D: Drawing>(
    drawing: &D,
    width: u32,
    height: u32,
    format: Format,
) -> Result<(Rendered, D::Extra), ChartError> {
    check_size(width, height)?;
    crate::font::ensure_registered();
    match format {
        Format::Svg => {
            let mut svg = String::new();
            let (geometry, extra) = {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                let result = drawing.draw(&root)?;
                root.present()?;
                result
            };
            Ok((
                Rendered {
                    format,
                    bytes: svg.into_bytes(),
                    geometry,
                },
                extra,
            ))
        }
        Format::Png => {
            let mut pixels = vec![0u8; width as usize * height as usize * 3];
            let (geometry, extra) = {
                let root =
                    BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
                let result = drawing.draw(&root)?;
                root.present()?;
                result
            };
            Ok((
                Rendered {
                    format,
                    bytes: encode_png(&pixels, width, height)?,
                    geometry,
                },
                extra,
            ))
        }
    }
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|error| ChartError::Png(error.to_string()))?;
    writer
        .write_image_data(rgb)
        .map_err(|error| ChartError::Png(error.to_string()))?;
    writer
        .finish()
        .map_err(|error| ChartError::Png(error.to_string()))?;
    Ok(bytes)
}
