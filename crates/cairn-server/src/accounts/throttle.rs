//! Slows down guessing: failed sign-ins are counted per account name and per client address,
//! and after a few of them each further attempt must wait, doubling up to a quarter of an hour.
//! An address gets more free failures than an account: a team behind one proxy or NAT shares
//! one, and one person's typos must not hold up the others, while one address guessing across
//! many names is still slowed.
//! A waiting attempt is refused before its password is looked at, so the guesses an attacker
//! can make are bounded whatever the password. Names that are no account are counted the same
//! way, so the answers never tell which names exist.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one account name allowed before its attempts must wait.
const FREE_FAILURES: u32 = 5;
/// Failures from one client address (any names) allowed before its attempts must wait.
const FREE_ADDRESS_FAILURES: u32 = 50;
/// The first wait; each later failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// A key forgotten this long after its last failure starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Keys remembered at most (the oldest are dropped first).
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long after the last failure the next attempt may come, when `free` failures go
    /// without a wait.
    fn wait(self, free: u32) -> Duration {
        if self.count < free {
            return Duration::ZERO;
        }
        let doublings = (self.count - free).min(20);
        FIRST_WAIT
            .saturating_mul(1_u32 << doublings)
            .min(LONGEST_WAIT)
    }
}

/// What to count failures by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

impl Key {
    /// Failures that go without a wait.
    fn free(&self) -> u32 {
        match self {
            Key::Account(_) => FREE_FAILURES,
            Key::Address(_) => FREE_ADDRESS_FAILURES,
        }
    }
}

/// Counts failed sign-ins.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<Key, Failures>>,
}

fn keys(username: &str, address: Option<IpAddr>) -> Vec<Key> {
    let mut keys = vec![Key::Account(username.to_lowercase())];
    if let Some(address) = address {
        keys.push(Key::Address(address));
    }
    keys
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long an attempt for `username` from `address` must still wait (`None`: it may go).
    pub fn must_wait(
        &self,
        username: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Option<Duration> {
        let failures = self.lock();
        keys(username, address)
            .iter()
            .filter_map(|key| failures.get(key).map(|failures| (key, failures)))
            .map(|(key, failures)| {
                (failures.last + failures.wait(key.free())).saturating_duration_since(now)
            })
            .filter(|left| !left.is_zero())
            .max()
    }

    /// Counts a failed attempt.
    pub fn failed(&self, username: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, entry| now.duration_since(entry.last) < FORGET_AFTER);
        }
        // Still full: addresses go before accounts, so that a caller with many addresses to
        // fail from cannot wipe the counts of the accounts it guesses at.
        if failures.len() >= MAX_KEYS {
            failures.retain(|key, _| matches!(key, Key::Account(_)));
        }
        // Still full of accounts: the half that failed longest ago goes.
        if failures.len() >= MAX_KEYS {
            let mut lasts: Vec<Instant> = failures.values().map(|entry| entry.last).collect();
            let middle = lasts.len() / 2;
            let (_, cutoff, _) = lasts.select_nth_unstable_by(middle, |a, b| b.cmp(a));
            let cutoff = *cutoff;
            failures.retain(|_, entry| entry.last > cutoff);
        }
        for key in keys(username, address) {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            if now.duration_since(entry.last) > FORGET_AFTER {
                entry.count = 0;
            }
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
    }

    /// Forgets the account's failures after a successful sign-in.
    pub fn succeeded(&self, username: &str) {
        self.lock().remove(&Key::Account(username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_wait_longer_after_each_failure_past_the_free_ones() {
        let throttle = Throttle::default();
        let start = Instant::now();
        let address = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..FREE_FAILURES {
            assert_eq!(throttle.must_wait("ana", address, start), None);
            throttle.failed("ana", address, start);
        }
        assert_eq!(throttle.must_wait("ana", address, start), Some(FIRST_WAIT));
        throttle.failed("ana", address, start);
        assert_eq!(throttle.must_wait("ana", None, start), Some(FIRST_WAIT * 2));
        assert_eq!(
            throttle.must_wait("ANA", None, start + FIRST_WAIT * 2),
            None
        );
        // Another name from the same address (a colleague behind the same proxy) goes on.
        assert_eq!(throttle.must_wait("bo", address, start), None);
        // An address guessing across many names is slowed for every name it tries.
        for index in 0..FREE_ADDRESS_FAILURES {
            throttle.failed(&format!("name-{index}"), address, start);
        }
        assert!(throttle.must_wait("bo", address, start).is_some());
        assert_eq!(throttle.must_wait("bo", None, start), None);
        throttle.succeeded("ana");
        assert_eq!(throttle.must_wait("ana", None, start), None);
    }

    #[test]
    fn a_caller_failing_from_many_addresses_cannot_wipe_an_accounts_count() {
        let throttle = Throttle::default();
        let start = Instant::now();
        for _ in 0..=FREE_FAILURES {
            throttle.failed("victim", None, start);
        }
        assert!(throttle.must_wait("victim", None, start).is_some());
        // Each failure remembers a name and an address: past the table's size in all.
        let later = start + Duration::from_millis(1);
        for index in 0..(MAX_KEYS * 3 / 5) {
            let address = IpAddr::from(u32::try_from(index).unwrap().to_be_bytes());
            throttle.failed(&format!("guess-{index}"), Some(address), later);
        }
        assert!(throttle.lock().len() < MAX_KEYS);
        assert!(
            throttle.must_wait("victim", None, later).is_some(),
            "the account's failures were forgotten"
        );
    }

    #[test]
    fn waits_stop_growing_at_a_quarter_of_an_hour() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for _ in 0..60 {
            throttle.failed("eve", None, now);
        }
        assert_eq!(throttle.must_wait("eve", None, now), Some(LONGEST_WAIT));
    }
}
