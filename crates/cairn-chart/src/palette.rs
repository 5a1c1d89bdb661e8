//! Colours: one per run, derived from the run id so a run looks the same on every chart, from a
//! palette of twenty kept apart and readable on both themes; and the light and dark themes.

use plotters::style::RGBColor;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// This colour mixed with `other`; `amount` 0 is `self`, 1 is `other`.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let channel = |a: u8, b: u8| {
            (f64::from(a) + (f64::from(b) - f64::from(a)) * amount.clamp(0.0, 1.0)).round() as u8
        };
        Rgb(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }

    pub(crate) fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// Twenty run colours as `(on light, on dark)`. Each list was picked greedily to keep the
/// smallest perceptual distance between any two as large as possible (CIEDE2000 ≥ 15.8, CIE76
/// ≥ 22 on either theme), among colourful sRGB colours with at least 3:1 contrast on the light
/// background and 4.5:1 on the dark one; a slot's dark colour has its light colour's hue where
/// the two lists allowed. Slots are in the order the light list was picked: each next colour is
/// the furthest from all before it, so the first few are the most distinct.
const PALETTE: [(Rgb, Rgb); 20] = [
    (Rgb(0x11, 0x77, 0xbb), Rgb(0x55, 0xaa, 0xee)),
    (Rgb(0x99, 0x99, 0x00), Rgb(0xee, 0xee, 0x00)),
    (Rgb(0xff, 0x00, 0x11), Rgb(0xff, 0x33, 0x33)),
    (Rgb(0xee, 0x00, 0xff), Rgb(0xff, 0xcc, 0xff)),
    (Rgb(0x00, 0x55, 0x33), Rgb(0x00, 0x99, 0x66)),
    (Rgb(0x77, 0x33, 0x55), Rgb(0xff, 0x11, 0x99)),
    (Rgb(0x66, 0x44, 0x00), Rgb(0xdd, 0x99, 0x11)),
    (Rgb(0x11, 0x00, 0xee), Rgb(0xaa, 0x77, 0xff)),
    (Rgb(0x33, 0x99, 0x88), Rgb(0x88, 0xdd, 0xbb)),
    (Rgb(0xcc, 0x77, 0x00), Rgb(0xff, 0xcc, 0x99)),
    (Rgb(0xcc, 0x77, 0x88), Rgb(0xbb, 0x88, 0x66)),
    (Rgb(0x88, 0x22, 0x11), Rgb(0xff, 0x77, 0x00)),
    (Rgb(0x11, 0x88, 0x00), Rgb(0x77, 0xbb, 0x00)),
    (Rgb(0x88, 0x77, 0xaa), Rgb(0x33, 0xff, 0x88)),
    (Rgb(0x44, 0x44, 0x77), Rgb(0x00, 0xff, 0xff)),
    (Rgb(0xaa, 0x00, 0xaa), Rgb(0xcc, 0x88, 0xbb)),
    (Rgb(0xcc, 0x00, 0x44), Rgb(0xff, 0x99, 0x99)),
    (Rgb(0x77, 0x55, 0xff), Rgb(0xcc, 0xdd, 0x99)),
    (Rgb(0x66, 0x66, 0x00), Rgb(0x99, 0x88, 0x22)),
    (Rgb(0x00, 0x99, 0xbb), Rgb(0x44, 0xaa, 0xaa)),
];

/// A chart's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
}

impl Theme {
    /// Parses `light` or `dark`.
    pub fn parse(text: &str) -> Option<Theme> {
        match text {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub(crate) fn background(self) -> Rgb {
        match self {
            Theme::Light => Rgb(0xff, 0xff, 0xff),
            Theme::Dark => Rgb(0x1e, 0x1f, 0x22),
        }
    }

    pub(crate) fn text(self) -> Rgb {
        match self {
            Theme::Light => Rgb(0x22, 0x22, 0x22),
            Theme::Dark => Rgb(0xe6, 0xe6, 0xe6),
        }
    }

    pub(crate) fn muted_text(self) -> Rgb {
        self.text().mix(self.background(), 0.4)
    }

    pub(crate) fn grid_bold(self) -> Rgb {
        self.text().mix(self.background(), 0.82)
    }

    pub(crate) fn grid_light(self) -> Rgb {
        self.text().mix(self.background(), 0.93)
    }

    /// A fixed colour adjusted for this background (lightened on dark).
    pub(crate) fn adapt(self, colour: Rgb) -> Rgb {
        match self {
            Theme::Light => colour,
            Theme::Dark => colour.mix(Rgb(0xff, 0xff, 0xff), 0.3),
        }
    }

    /// Palette slot `slot`'s colour on this background.
    fn palette(self, slot: usize) -> Rgb {
        let (light, dark) = PALETTE[slot % PALETTE.len()];
        match self {
            Theme::Light => light,
            Theme::Dark => dark,
        }
    }
}

fn preferred_slot(run_id: &str) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in run_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    usize::try_from(hash % PALETTE.len() as u64).unwrap_or(0)
}

/// The colour of a run on its own: a palette colour picked by an FNV-1a hash of its id
/// (in the theme's variant). Two runs may share it; charts of several runs use
/// [`run_colours`], which keeps them apart.
pub fn run_colour(run_id: &str, theme: Theme) -> Rgb {
    theme.palette(preferred_slot(run_id))
}

/// Colours for a set of runs, one per id in the order given, derived from the set of ids alone
/// (not their order), so every chart of the same runs colours each run the same way: the runs
/// take the palette's colours in the order of their ids. The palette is ordered so that its
/// first colours are the furthest apart, so a few runs get the most distinct colours; up to
/// twenty runs never share a colour; beyond twenty, colours repeat.
pub fn run_colours(run_ids: &[&str], theme: Theme) -> Vec<Rgb> {
    let mut sorted: Vec<&str> = run_ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    run_ids
        .iter()
        .map(|id| theme.palette(sorted.binary_search(id).unwrap_or(0)))
        .collect()
}

/// The sequential scale as drawn on `theme`: on dark, viridis' darkest 42% is left out so
/// the lowest value's line stays visible on the background.
pub(crate) fn sequential_on(theme: Theme, t: f64) -> Rgb {
    match theme {
        Theme::Light => sequential(t),
        Theme::Dark => sequential(
            0.42 + 0.58
                * if t.is_finite() {
                    t.clamp(0.0, 1.0)
                } else {
                    0.0
                },
        ),
    }
}

/// A colour-blind-safe sequential scale (viridis, five stops interpolated) for `t` in [0, 1].
pub(crate) fn sequential(t: f64) -> Rgb {
    const STOPS: [Rgb; 5] = [
        Rgb(0x44, 0x01, 0x54),
        Rgb(0x3b, 0x52, 0x8b),
        Rgb(0x21, 0x90, 0x8d),
        Rgb(0x5d, 0xc9, 0x63),
        Rgb(0xfd, 0xe7, 0x25),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (STOPS.len() - 1) as f64;
    let index = (scaled.floor() as usize).min(STOPS.len() - 2);
    STOPS[index].mix(STOPS[index + 1], scaled - index as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_keeps_its_colour() {
        let id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        assert_eq!(run_colour(id, Theme::Light), run_colour(id, Theme::Light));
        let distinct: std::collections::BTreeSet<String> = (0..400)
            .map(|i| run_colour(&format!("run-{i}"), Theme::Light).hex())
            .collect();
        assert_eq!(
            distinct.len(),
            PALETTE.len(),
            "every palette colour is used"
        );
    }

    #[test]
    fn up_to_twenty_runs_get_distinct_colours_whatever_their_order() {
        let ids: Vec<String> = (0..20).map(|i| format!("{i:032x}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        for theme in [Theme::Light, Theme::Dark] {
            let colours = run_colours(&refs, theme);
            let distinct: std::collections::BTreeSet<String> =
                colours.iter().map(|c| c.hex()).collect();
            assert_eq!(distinct.len(), 20, "{theme:?}");
            let mut reversed = refs.clone();
            reversed.reverse();
            let mut again = run_colours(&reversed, theme);
            again.reverse();
            assert_eq!(colours, again);
        }
    }

    fn linear(channel: u8) -> f64 {
        let c = f64::from(channel) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    fn luminance(colour: Rgb) -> f64 {
        0.2126 * linear(colour.0) + 0.7152 * linear(colour.1) + 0.0722 * linear(colour.2)
    }

    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    fn lab(colour: Rgb) -> [f64; 3] {
        let (r, g, b) = (linear(colour.0), linear(colour.1), linear(colour.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.950_47;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.088_83;
        let f = |t: f64| {
            if t > 0.008_856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    #[test]
    fn palette_colours_are_apart_and_readable_on_both_themes() {
        for (theme, least_contrast) in [(Theme::Light, 3.0), (Theme::Dark, 4.5)] {
            let colours: Vec<Rgb> = (0..PALETTE.len()).map(|slot| theme.palette(slot)).collect();
            for colour in &colours {
                let ratio = contrast(*colour, theme.background());
                assert!(
                    ratio >= least_contrast,
                    "{theme:?} {}: {ratio:.2}",
                    colour.hex()
                );
            }
            for (i, a) in colours.iter().enumerate() {
                for b in &colours[i + 1..] {
                    let (la, lb) = (lab(*a), lab(*b));
                    let distance = la
                        .iter()
                        .zip(lb)
                        .map(|(p, q)| (p - q).powi(2))
                        .sum::<f64>()
                        .sqrt();
                    assert!(
                        distance >= 22.0,
                        "{theme:?} {} and {}: ΔE {distance:.1}",
                        a.hex(),
                        b.hex()
                    );
                }
            }
        }
    }

    #[test]
    fn the_lowest_parallel_line_is_visible_on_dark() {
        let lowest = sequential_on(Theme::Dark, 0.0);
        assert!(
            contrast(lowest, Theme::Dark.background()) >= 3.0,
            "{}",
            lowest.hex()
        );
        assert_eq!(sequential_on(Theme::Light, 0.0), sequential(0.0));
    }

    #[test]
    fn sequential_scale_ends() {
        assert_eq!(sequential(0.0), Rgb(0x44, 0x01, 0x54));
        assert_eq!(sequential(1.0), Rgb(0xfd, 0xe7, 0x25));
        assert_eq!(sequential(f64::NAN), Rgb(0x44, 0x01, 0x54));
    }
}
