//! The bandwidth limit of streamed copies (`[backup] max_bytes_per_second`, `--max-rate`):
//! one limiter per job, shared by all its copies in flight. Server-side copies are not
//! limited: their bytes never cross the tool's network link.

use crate::{Error, Result};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

/// The limiter counts KiB, so that any rate up to terabytes a second fits its counters.
const UNIT: u64 = 1024;

/// A shared byte-rate limit.
#[derive(Clone)]
pub struct Throttle {
    limiter: Arc<DefaultDirectRateLimiter>,
    bytes_per_second: u64,
    /// The most units one wait may ask for (the bucket's depth: one second of traffic).
    burst: u32,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Throttle({} B/s)", self.bytes_per_second)
    }
}

/// `50.0 MiB/s`.
impl std::fmt::Display for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/s",
            crate::progress::bytes_text(self.bytes_per_second)
        )
    }
}

impl Throttle {
    /// A limit of `bytes_per_second` (at least 1 KiB/s).
    pub fn new(bytes_per_second: u64) -> Throttle {
        let units = (bytes_per_second / UNIT).clamp(1, u32::MAX as u64) as u32;
        let per_second = NonZeroU32::new(units).unwrap_or(NonZeroU32::MIN);
        Throttle {
            limiter: Arc::new(RateLimiter::direct(Quota::per_second(per_second))),
            bytes_per_second,
            burst: per_second.get(),
        }
    }

    pub fn bytes_per_second(&self) -> u64 {
        self.bytes_per_second
    }

    /// Waits until `bytes` more may pass.
    pub async fn take(&self, bytes: u64) {
        let mut units = bytes.div_ceil(UNIT);
        while units > 0 {
            let step = units.min(self.burst as u64) as u32;
            if let Some(n) = NonZeroU32::new(step) {
                // `step` never exceeds the burst, so the wait cannot be refused.
                let _ = self.limiter.until_n_ready(n).await;
            }
            units -= step as u64;
        }
    }
}

/// Parses a rate as a user writes it: `50MiB/s`, `100M`, `1.5GiB`, `800000` (bytes a second).
/// K/M/G/T and KiB/MiB/GiB/TiB are powers of 1024, KB/MB/GB/TB powers of 1000; `/s` may
/// follow. Zero and anything unreadable are refused with an example.
pub fn parse_rate(text: &str) -> Result<u64> {
    let bad = || {
        Error::invalid(format!(
            "'{text}' is not a transfer rate: write a number of bytes a second with an optional unit, e.g. 50MiB/s, 200MB/s or 1G"
        ))
    };
    let t = text.trim();
    let t = t.strip_suffix("/s").unwrap_or(t).trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return Err(bad()),
    };
    let bytes = number * factor as f64;
    if !bytes.is_finite() || bytes < 1.0 {
        return Err(Error::invalid(format!(
            "'{text}' is no rate at all: give at least 1 byte a second (or leave the limit out)"
        )));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_parsed_with_units() {
        assert_eq!(parse_rate("800000").unwrap(), 800_000);
        assert_eq!(parse_rate("50MiB/s").unwrap(), 50 << 20);
        assert_eq!(parse_rate("100M").unwrap(), 100 << 20);
        assert_eq!(parse_rate("200MB/s").unwrap(), 200_000_000);
        assert_eq!(parse_rate("1.5GiB").unwrap(), 3 << 29);
        assert_eq!(parse_rate(" 2 g /s").unwrap(), 2 << 30);
    }

    #[test]
    fn bad_rates_are_refused_with_an_example() {
        for bad in ["", "fast", "10 parsecs", "-5M", "1..2M"] {
            let e = parse_rate(bad).unwrap_err().to_string();
            assert!(e.contains("e.g. 50MiB/s"), "{bad}: {e}");
        }
        let e = parse_rate("0").unwrap_err().to_string();
        assert!(e.contains("at least 1 byte"), "{e}");
    }

    #[tokio::test]
    async fn the_limit_holds_back_a_transfer_beyond_its_burst() {
        // 1 MiB/s: the first second's worth passes at once, the next 512 KiB wait ~0.5 s.
        let t = Throttle::new(1 << 20);
        let start = std::time::Instant::now();
        t.take(1 << 20).await;
        t.take(512 << 10).await;
        let waited = start.elapsed();
        assert!(
            waited >= std::time::Duration::from_millis(400),
            "1.5 MiB at 1 MiB/s passed in {waited:?}"
        );
    }
}
