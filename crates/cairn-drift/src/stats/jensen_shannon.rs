//! The Jensen–Shannon distance (scipy's `scipy.spatial.distance.jensenshannon` with its default
//! natural-logarithm base, which is what Evidently calls): both vectors normalised to sum to 1,
//! `sqrt((KL(p‖m) + KL(q‖m)) / 2)` with `m = (p + q)/2`. It lies in `[0, sqrt(ln 2)]`.

fn rel_entr(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// The distance between two non-negative vectors of the same length (weights, any scale).
pub fn distance(p: &[f64], q: &[f64]) -> f64 {
    let (sp, sq) = (super::sum(p.iter().copied()), super::sum(q.iter().copied()));
    if sp <= 0.0 || sq <= 0.0 {
        return f64::NAN;
    }
    let mut left = Vec::with_capacity(p.len());
    let mut right = Vec::with_capacity(p.len());
    for (a, b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        left.push(rel_entr(a, m));
        right.push(rel_entr(b, m));
    }
    let js = super::sum(left) + super::sum(right);
    (js / 2.0).max(0.0).sqrt()
}
