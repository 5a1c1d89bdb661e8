//! The one font charts use: DejaVu Sans, shipped in `assets/fonts/` (Bitstream Vera licence,
//! beside it) and compiled into the binary, so rendering needs no fontconfig and measures text
//! the same way on every machine.

use std::sync::Once;

use plotters::style::FontStyle;

/// The family name every chart asks plotters for.
pub const FONT_FAMILY: &str = "sans-serif";

/// DejaVu Sans, as shipped in `assets/fonts/DejaVuSans.ttf`.
pub static DEJAVU_SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

static REGISTER: Once = Once::new();

/// Registers the shipped font with plotters (once per process; later calls do nothing).
pub fn ensure_registered() {
    REGISTER.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            // The bytes are compiled in and known to parse (a test checks); nothing to report.
            let _ = plotters::style::register_font(FONT_FAMILY, style, DEJAVU_SANS);
        }
    });
}
