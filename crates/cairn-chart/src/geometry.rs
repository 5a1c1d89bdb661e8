//! Where a chart's plot area is and what it shows, so a UI can map the mouse to data and back.

/// How an axis maps data to pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Proportional to the value.
    Linear,
    /// Proportional to `log10(value)`; the data range holds the values themselves.
    Log10,
}

impl Scale {
    fn forward(self, value: f64) -> f64 {
        match self {
            Scale::Linear => value,
            Scale::Log10 => value.log10(),
        }
    }

    fn inverse(self, value: f64) -> f64 {
        match self {
            Scale::Linear => value,
            Scale::Log10 => 10f64.powf(value),
        }
    }
}

/// The plot area of a rendered chart: pixel rectangle (image coordinates, y down) and data
/// ranges. The left edge shows `x_range.0` and the right edge `x_range.1`; the bottom edge shows
/// `y_range.0` and the top edge `y_range.1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotGeometry {
    /// Pixel column of the left edge.
    pub left_px: i32,
    /// Pixel row of the top edge.
    pub top_px: i32,
    /// Pixel column of the right edge (inclusive).
    pub right_px: i32,
    /// Pixel row of the bottom edge (inclusive).
    pub bottom_px: i32,
    /// Data range along x (left to right).
    pub x_range: (f64, f64),
    /// Data range along y (bottom to top).
    pub y_range: (f64, f64),
    /// The x axis' scale.
    pub x_scale: Scale,
    /// The y axis' scale.
    pub y_scale: Scale,
}

impl PlotGeometry {
    /// Plot-area width in pixels.
    pub fn width_px(&self) -> i32 {
        self.right_px - self.left_px
    }

    /// Plot-area height in pixels.
    pub fn height_px(&self) -> i32 {
        self.bottom_px - self.top_px
    }

    /// The pixel a data point is drawn on: plotters rounds the offset from the bottom-left
    /// corner down (so x is floored and y, counted downwards, is rounded up).
    pub fn to_drawn_pixel(&self, x: f64, y: f64) -> (i32, i32) {
        let (x_px, y_px) = self.to_pixel(x, y);
        let x_offset = x_px - f64::from(self.left_px);
        let y_offset = f64::from(self.bottom_px) - y_px;
        (
            self.left_px + (x_offset + 1e-3).floor() as i32,
            self.bottom_px - (y_offset + 1e-3).floor() as i32,
        )
    }

    /// The position of a data point in pixels, unrounded.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let fraction = |value: f64, (low, high): (f64, f64), scale: Scale| {
            let (value, low, high) = (
                scale.forward(value),
                scale.forward(low),
                scale.forward(high),
            );
            if high == low {
                0.5
            } else {
                (value - low) / (high - low)
            }
        };
        let fx = fraction(x, self.x_range, self.x_scale);
        let fy = fraction(y, self.y_range, self.y_scale);
        (
            f64::from(self.left_px) + fx * f64::from(self.width_px()),
            f64::from(self.bottom_px) - fy * f64::from(self.height_px()),
        )
    }

    /// The data point under a pixel.
    pub fn to_data(&self, x_px: f64, y_px: f64) -> (f64, f64) {
        let value = |fraction: f64, (low, high): (f64, f64), scale: Scale| {
            let (low, high) = (scale.forward(low), scale.forward(high));
            scale.inverse(low + fraction * (high - low))
        };
        let fx = (x_px - f64::from(self.left_px)) / f64::from(self.width_px().max(1));
        let fy = (f64::from(self.bottom_px) - y_px) / f64::from(self.height_px().max(1));
        (
            value(fx, self.x_range, self.x_scale),
            value(fy, self.y_range, self.y_scale),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_and_data_round_trip() {
        let geometry = PlotGeometry {
            left_px: 50,
            top_px: 10,
            right_px: 450,
            bottom_px: 210,
            x_range: (0.0, 100.0),
            y_range: (0.01, 100.0),
            x_scale: Scale::Linear,
            y_scale: Scale::Log10,
        };
        assert_eq!(geometry.to_pixel(50.0, 1.0), (250.0, 110.0));
        assert_eq!(geometry.to_pixel(0.0, 0.01), (50.0, 210.0));
        let (x, y) = geometry.to_data(250.0, 110.0);
        assert!((x - 50.0).abs() < 1e-9 && (y - 1.0).abs() < 1e-9, "{x} {y}");
    }
}
