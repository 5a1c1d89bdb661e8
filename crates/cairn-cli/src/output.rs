//! Terminal output: aligned tables and human-readable times, durations and values.

/// A table printed with aligned columns.
pub struct Table {
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with a header row.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: Some(header.into_iter().map(Into::into).collect()),
            rows: Vec::new(),
        }
    }

    /// A table without a header (key/value listings).
    pub fn plain() -> Table {
        Table {
            header: None,
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(cells.into_iter().collect());
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Prints the table to stdout.
    pub fn print(&self) -> std::io::Result<()> {
        let all_rows = self.header.iter().chain(self.rows.iter());
        let mut widths: Vec<usize> = Vec::new();
        for row in all_rows.clone() {
            for (index, cell) in row.iter().enumerate() {
                let width = cell.chars().count();
                match widths.get_mut(index) {
                    Some(current) => *current = (*current).max(width),
                    None => widths.push(width),
                }
            }
        }
        let indent = if self.header.is_none() { "  " } else { "" };
        for row in all_rows {
            let mut line = String::from(indent);
            for (index, cell) in row.iter().enumerate() {
                if index + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let pad = widths[index] - cell.chars().count();
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            outln!("{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// The first 8 characters of an id or hash.
pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// A metric value with up to 6 significant digits; NaN and infinities spelled out.
pub fn format_metric(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if value != 0.0 && (value.abs() >= 1e6 || value.abs() < 1e-4) {
        format!("{value:.4e}")
    } else {
        let text = format!("{value:.6}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text.is_empty() || text == "-" {
            "0".to_string()
        } else {
            text.to_string()
        }
    }
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM` in UTC.
pub fn format_time(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = cairn_core::time::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        of_day / 3600,
        (of_day % 3600) / 60
    )
}

/// A duration as `1h 02m`, `3m 05s` or `12.3s`.
pub fn format_duration(milliseconds: i64) -> String {
    if milliseconds < 0 {
        return String::new();
    }
    let seconds = milliseconds / 1000;
    if seconds >= 3600 {
        format!("{}h {:02}m", seconds / 3600, (seconds % 3600) / 60)
    } else if seconds >= 60 {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", milliseconds as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_durations() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(1_700_000_000_000), "2023-11-14 22:13");
        assert_eq!(format_time(951_782_400_000), "2000-02-29 00:00");
        assert_eq!(format_duration(12_345), "12.3s");
        assert_eq!(format_duration(185_000), "3m 05s");
        assert_eq!(format_duration(3_725_000), "1h 02m");
    }

    #[test]
    fn metric_values() {
        assert_eq!(format_metric(0.91234567), "0.912346");
        assert_eq!(format_metric(2.0), "2");
        assert_eq!(format_metric(0.0), "0");
        assert_eq!(format_metric(f64::NAN), "NaN");
        assert_eq!(format_metric(f64::NEG_INFINITY), "-inf");
        assert_eq!(format_metric(1.5e-7), "1.5000e-7");
    }
}
