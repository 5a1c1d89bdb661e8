//! Colours: one per run, derived from the run id so a run looks the same on every chart, from
//! Paul Tol's colour-blind-safe "muted" scheme; and the light and dark themes.

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

/// Paul Tol's "muted" qualitative scheme (distinct for the common colour-vision deficiencies).
const TOL_MUTED: [Rgb; 9] = [
    Rgb(0x33, 0x22, 0x88), // indigo
    Rgb(0x88, 0xcc, 0xee), // cyan
    Rgb(0x44, 0xaa, 0x99), // teal
    Rgb(0x11, 0x77, 0x33), // green
    Rgb(0x99, 0x99, 0x33), // olive
    Rgb(0xdd, 0xcc, 0x77), // sand
    Rgb(0xcc, 0x66, 0x77), // rose
    Rgb(0x88, 0x22, 0x55), // wine
    Rgb(0xaa, 0x44, 0x99), // purple
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

    /// A palette colour adjusted for this background (lightened on dark).
    pub(crate) fn adapt(self, colour: Rgb) -> Rgb {
        match self {
            Theme::Light => colour,
            Theme::Dark => colour.mix(Rgb(0xff, 0xff, 0xff), 0.3),
        }
    }
}

fn preferred_slot(run_id: &str) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in run_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    usize::try_from(hash % TOL_MUTED.len() as u64).unwrap_or(0)
}

/// The colour of a run on its own: a Tol "muted" colour picked by an FNV-1a hash of its id
/// (adapted to the theme's background). Two runs may share it; charts of several runs use
/// [`run_colours`].
pub fn run_colour(run_id: &str, theme: Theme) -> Rgb {
    theme.adapt(TOL_MUTED[preferred_slot(run_id)])
}

/// Colours for a set of runs, one per id in the order given, derived from the ids alone (not
/// their order), so every chart of the same runs colours each run the same way. Each run takes
/// its [`run_colour`] unless a run with a smaller id already has it, then the next free palette
/// colour: up to nine runs never share a colour; beyond nine, colours repeat.
pub fn run_colours(run_ids: &[&str], theme: Theme) -> Vec<Rgb> {
    let mut sorted: Vec<&str> = run_ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut taken = [false; TOL_MUTED.len()];
    let mut slots = std::collections::HashMap::with_capacity(sorted.len());
    for id in sorted {
        let preferred = preferred_slot(id);
        let slot = (0..TOL_MUTED.len())
            .map(|offset| (preferred + offset) % TOL_MUTED.len())
            .find(|slot| !taken[*slot])
            .unwrap_or(preferred);
        taken[slot] = true;
        if taken.iter().all(|taken| *taken) {
            taken = [false; TOL_MUTED.len()];
        }
        slots.insert(id, slot);
    }
    run_ids
        .iter()
        .map(|id| theme.adapt(TOL_MUTED[slots.get(id).copied().unwrap_or(0)]))
        .collect()
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
        assert_ne!(run_colour(id, Theme::Light), run_colour(id, Theme::Dark));
        let distinct: std::collections::BTreeSet<String> = (0..40)
            .map(|i| run_colour(&format!("run-{i}"), Theme::Light).hex())
            .collect();
        assert_eq!(
            distinct.len(),
            TOL_MUTED.len(),
            "every palette colour is used"
        );
    }

    #[test]
    fn up_to_nine_runs_get_distinct_colours_whatever_their_order() {
        let ids: Vec<String> = (0..9).map(|i| format!("{i:032x}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let colours = run_colours(&refs, Theme::Light);
        let distinct: std::collections::BTreeSet<String> =
            colours.iter().map(|c| c.hex()).collect();
        assert_eq!(distinct.len(), 9);
        let mut reversed = refs.clone();
        reversed.reverse();
        let mut again = run_colours(&reversed, Theme::Light);
        again.reverse();
        assert_eq!(colours, again);
    }

    #[test]
    fn sequential_scale_ends() {
        assert_eq!(sequential(0.0), Rgb(0x44, 0x01, 0x54));
        assert_eq!(sequential(1.0), Rgb(0xfd, 0xe7, 0x25));
        assert_eq!(sequential(f64::NAN), Rgb(0x44, 0x01, 0x54));
    }
}
