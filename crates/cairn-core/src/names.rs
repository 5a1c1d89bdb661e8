//! Friendly names for runs that were given none, in MLflow's `adjective-noun-number` style.

const ADJECTIVES: &[&str] = &[
    "able", "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "dapper", "eager",
    "fancy", "gentle", "glad", "grand", "happy", "honest", "keen", "kind", "lively", "lucky",
    "merry", "mighty", "nimble", "noble", "polite", "proud", "quick", "quiet", "rare", "rustic",
    "serene", "shy", "silent", "smart", "sunny", "swift", "tidy", "vast", "warm", "wise",
];

const NOUNS: &[&str] = &[
    "ant", "bass", "bear", "bee", "bird", "carp", "cat", "crane", "deer", "dove", "eel", "finch",
    "fox", "frog", "goat", "hare", "hawk", "heron", "horse", "ibis", "jay", "koala", "lark",
    "lynx", "mole", "moth", "newt", "owl", "panda", "quail", "ram", "robin", "seal", "shrew",
    "slug", "snail", "swan", "toad", "vole", "wolf",
];

/// A fresh random name such as `swift-heron-417`.
pub fn random_run_name() -> String {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    let adjective = ADJECTIVES[usize::from(bytes[0]) % ADJECTIVES.len()];
    let noun = NOUNS[usize::from(bytes[1]) % NOUNS.len()];
    let number = u16::from_le_bytes([bytes[2], bytes[3]]) % 1000;
    format!("{adjective}-{noun}-{number}")
}
