//! Axis ranges, tick positions and tick labels: "nice" linear ticks, decade ticks on log axes,
//! compact numbers, durations and UTC wall-clock times.

/// The range to show for data spanning `low..=high`: 5% padding, and a unit-wide window around
/// a single value. `None` when there is no finite data.
pub(crate) fn padded_range(low: f64, high: f64) -> Option<(f64, f64)> {
    if !(low.is_finite() && high.is_finite()) || low > high {
        return None;
    }
    if low == high {
        let half = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
        return Some((low - half, high + half));
    }
    let pad = (high - low) * 0.05;
    if !pad.is_finite() {
        // A span past f64::MAX (values near ±1.8e308): no room to pad.
        return Some((low, high));
    }
    Some((low - pad, high + pad))
}

/// Ticks at 1, 2 or 5 × 10ⁿ spacing inside `low..=high`, about `target` of them.
pub(crate) fn nice_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    if !(high - low).is_finite() || high <= low || target == 0 {
        return Vec::new();
    }
    let rough = (high - low) / target as f64;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .map(|index| {
            // Dividing by 1/step gives the nearest float to the printed value (0.6, not
            // 0.6000000000000001).
            let value = if step < 1.0 {
                index as f64 / (1.0 / step).round()
            } else {
                index as f64 * step
            };
            if value == 0.0 { 0.0 } else { value }
        })
        .collect()
}

/// Ticks for a log10 axis, in log space: every decade, plus 2× and 5× when few decades show.
pub(crate) fn log_ticks(log_low: f64, log_high: f64) -> Vec<f64> {
    if !(log_low.is_finite() && log_high.is_finite()) || log_high <= log_low {
        return Vec::new();
    }
    let decades = log_high - log_low;
    let multiples: &[f64] = if decades < 2.5 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let stride = (decades / 8.0).ceil().max(1.0) as i64;
    let mut ticks = Vec::new();
    for exponent in (log_low.floor() as i64)..=(log_high.ceil() as i64) {
        if multiples.len() == 1 && exponent.rem_euclid(stride) != 0 {
            continue;
        }
        for multiple in multiples {
            let tick = exponent as f64 + multiple.log10();
            if tick >= log_low && tick <= log_high {
                ticks.push(tick);
            }
        }
    }
    ticks
}

/// A compact label: at most 4 significant digits, scientific outside 1e-3..1e6.
pub(crate) fn format_number(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    if !(1e-3..1e6).contains(&magnitude) {
        let text = format!("{value:.2e}");
        // 1.00e-4 → 1e-4, 2.50e7 → 2.5e7
        return match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            }
            None => text,
        };
    }
    let decimals = (3 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A duration label for a relative-time axis whose visible span is `span_secs`.
pub(crate) fn format_duration(secs: f64, span_secs: f64) -> String {
    let (unit, divisor) = if span_secs >= 2.0 * 86_400.0 {
        ("d", 86_400.0)
    } else if span_secs >= 2.0 * 3_600.0 {
        ("h", 3_600.0)
    } else if span_secs >= 120.0 {
        ("min", 60.0)
    } else {
        ("s", 1.0)
    };
    format!("{}{unit}", format_number(secs / divisor))
}

/// A UTC wall-clock label: `HH:MM` (with `:SS` for short spans), prefixed by `MM-DD` when the
/// visible span is a day or more.
pub(crate) fn format_wall(epoch_secs: f64, span_secs: f64) -> String {
    let total = epoch_secs.floor() as i64;
    let days = total.div_euclid(86_400);
    let of_day = total.rem_euclid(86_400);
    let (hour, minute, second) = (of_day / 3600, (of_day / 60) % 60, of_day % 60);
    let (_, month, day) = cairn_core::time::civil_from_days(days);
    if span_secs >= 86_400.0 {
        format!("{month:02}-{day:02} {hour:02}:{minute:02}")
    } else if span_secs < 600.0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{hour:02}:{minute:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_labels() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(-0.05, 0.33, 4), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(log_ticks(-2.0, 0.0).len(), 7);
        assert_eq!(log_ticks(-10.0, 10.0).len(), 7);
        let labels: Vec<String> = [0.0, 0.1, 1.5, 1234.5678, 1e-4, 2.5e7, -0.25]
            .into_iter()
            .map(format_number)
            .collect();
        assert_eq!(
            labels,
            ["0", "0.1", "1.5", "1235", "1e-4", "2.5e7", "-0.25"]
        );
        assert_eq!(format_duration(5400.0, 10_000.0), "1.5h");
        assert_eq!(format_wall(1_700_000_000.0, 100_000.0), "11-14 22:13");
        assert_eq!(format_wall(1_700_000_000.0, 100.0), "22:13:20");
        assert_eq!(cairn_core::time::civil_from_days(0), (1970, 1, 1));
    }
}
