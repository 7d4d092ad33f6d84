//! Small helpers: the seeded random source, day numbers and London local times.

use domain::datetime::{Date, Timestamp};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// SplitMix64: derives independent sub-seeds (per family, per worker-month…) from the configured seed.
pub(crate) fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed
        ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seeded random source, with the few draws the generator needs.
pub(crate) struct R(ChaCha8Rng);

impl R {
    pub(crate) fn new(seed: u64) -> R {
        R(ChaCha8Rng::seed_from_u64(seed))
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.0.random::<f64>() < p
    }

    /// A uniform float in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// A uniform `u32` in `lo..=hi`.
    pub(crate) fn u(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// A uniform index below `n` (0 when `n` is 0).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { self.0.random_range(0..n) }
    }

    /// One of `items`, uniformly (`fallback` for an empty list).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        let i = self.index(items.len());
        items.get(i).copied().unwrap_or(fallback)
    }

    /// An index chosen in proportion to `weights`.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut x = self.0.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// One of `items` in proportion to its weight.
    pub(crate) fn pick_weighted<T: Copy>(&mut self, items: &[(T, u32)], fallback: T) -> T {
        let total: u32 = items.iter().map(|(_, w)| *w).sum();
        if total == 0 {
            return fallback;
        }
        let mut x = self.0.random_range(0..total);
        for (item, w) in items {
            if x < *w {
                return *item;
            }
            x -= w;
        }
        fallback
    }

    /// Ten random bytes for a UUID v7 (`XxxId::at`).
    pub(crate) fn id_bytes(&mut self) -> [u8; 10] {
        let mut b = [0u8; 10];
        self.0.fill_bytes(&mut b);
        b
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
pub(crate) fn day_number(d: Date) -> i32 {
    let (year, month, day) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (Howard Hinnant's `civil_from_days`).
pub(crate) fn date_of(n: i32) -> Date {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i32::from(month <= 2);
    let (y, m, d) = (
        i16::try_from(year).unwrap_or(2000),
        i8::try_from(month).unwrap_or(1),
        i8::try_from(day).unwrap_or(1),
    );
    Date::new(y, m, d).unwrap_or(Date::MIN)
}

/// `d` plus `n` calendar days.
pub(crate) fn add_days(d: Date, n: i64) -> Date {
    date_of(day_number(d).saturating_add(i32::try_from(n).unwrap_or(0)))
}

/// Calendar days from `a` to `b`.
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    i64::from(day_number(b) - day_number(a))
}

/// The same day `years` later (29 February becomes 28 February).
pub(crate) fn add_years(d: Date, years: i16) -> Date {
    let y = d.year().saturating_add(years);
    Date::new(y, d.month(), d.day())
        .or_else(|_| Date::new(y, d.month(), 28))
        .unwrap_or(d)
}

/// Whole years from `dob` to `on`.
pub(crate) fn age_on(dob: Date, on: Date) -> i64 {
    let mut years = i64::from(on.year()) - i64::from(dob.year());
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years
}

/// Converts London local times to instants; the zone is looked up once.
pub(crate) struct Clock {
    tz: TimeZone,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        Clock {
            tz: domain::datetime::london(),
        }
    }

    /// The instant of `minute` minutes after midnight, London time, on `d`.
    pub(crate) fn at(&self, d: Date, minute: i64) -> Timestamp {
        let minute = minute.clamp(0, 24 * 60 - 1);
        let (h, m) = (
            i8::try_from(minute / 60).unwrap_or(0),
            i8::try_from(minute % 60).unwrap_or(0),
        );
        let dt = DateTime::new(d.year(), d.month(), d.day(), h, m, 0, 0).unwrap_or_default();
        self.tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The London date of an instant.
    pub(crate) fn date(&self, t: Timestamp) -> Date {
        self.tz.to_datetime(t).date()
    }

    /// Minutes after midnight, London time.
    pub(crate) fn minute_of_day(&self, t: Timestamp) -> i64 {
        let dt = self.tz.to_datetime(t);
        i64::from(dt.hour()) * 60 + i64::from(dt.minute())
    }
}

/// `t` plus `minutes` minutes.
pub(crate) fn plus_minutes(t: Timestamp, minutes: i64) -> Timestamp {
    Timestamp::from_second(t.as_second().saturating_add(minutes.saturating_mul(60))).unwrap_or(t)
}

/// A bijective scramble of `0..modulus` (an affine map with a multiplier coprime to the modulus), so that
/// identifiers built from a sequence number look random but never repeat.
pub(crate) fn scramble(i: u64, modulus: u64, salt: u64) -> u64 {
    // 7_919 * k + 1 style multipliers: odd and not a multiple of 5, so coprime with powers of ten.
    let a = 7_340_033u64; // prime, coprime with 2 and 5
    (i.wrapping_mul(a).wrapping_add(salt % modulus)) % modulus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for n in [-1000, 0, 1, 59, 60, 10_000, 19_000, 20_500, 29_000] {
            assert_eq!(day_number(date_of(n)), n);
        }
        assert_eq!(day_number(Date::new(1970, 1, 1).unwrap()), 0);
        assert_eq!(
            date_of(day_number(Date::new(2024, 2, 29).unwrap()) + 1),
            Date::new(2024, 3, 1).unwrap()
        );
    }

    #[test]
    fn scramble_is_a_bijection() {
        let m = 10_000u64;
        let mut seen = vec![false; m as usize];
        for i in 0..m {
            let s = scramble(i, m, 12345) as usize;
            assert!(!seen[s]);
            seen[s] = true;
        }
    }
}
