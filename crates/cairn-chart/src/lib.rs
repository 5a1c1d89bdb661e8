//! Cairn's charts, rendered by plotters to SVG (for the app and export) and PNG (export): a
//! metric's history for many runs, scatter, parallel coordinates, histograms and two
//! distributions side by side (drift reports).
//!
//! Nothing here knows about Tauri, HTTP or a terminal. Every renderer takes plain data and
//! options and returns the image together with its [`PlotGeometry`] (where the plot area is in
//! pixels and which data ranges it shows), so a UI can draw a hover crosshair over the picture.
//!
//! Rendering is deterministic: the only font is DejaVu Sans, compiled in (see [`font`]), so the
//! same input gives the same bytes on every machine.
#![warn(missing_docs)]

mod axis;
mod distribution;
mod downsample;
pub mod font;
mod frame;
mod geometry;
mod histogram;
mod legend;
mod line;
mod line_data;
mod output;
mod palette;
mod parallel;
mod scatter;
mod series;
mod source;

pub use distribution::{DistributionData, DistributionOptions, render_distribution};
pub use downsample::m4_downsample;
pub use geometry::{PlotGeometry, Scale};
pub use histogram::{HistogramOptions, render_histogram};
pub use line::{
    LineOptions, LineStats, RenderedLine, render_line, render_line_data, render_line_from_store,
};
pub use line_data::LineData;
pub use output::{Format, Rendered};
pub use palette::{Rgb, Theme, run_colour, run_colours};
pub use parallel::{ParallelOptions, render_parallel};
pub use scatter::{ScatterOptions, render_scatter};
pub use series::{RunSeries, XAxis, ema};
pub use source::{Field, FieldValue, field_value, load_histories};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The drawing backend failed (plotters' error, as text).
    #[error("drawing the chart: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("encoding the PNG: {0}")]
    Png(String),
    /// The options make no chart (zero size, bad smoothing weight…).
    #[error("invalid chart options: {0}")]
    InvalidOptions(String),
    /// Reading from the store failed.
    #[error(transparent)]
    Store(#[from] cairn_core::StoreError),
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for ChartError
{
    fn from(error: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(error.to_string())
    }
}
