//! A token bucket per access token, in memory: a runaway client (a sync loop gone wrong) slows
//! itself down without slowing its team. Counted after authentication, so that only real
//! tokens get a bucket and the map cannot be grown by strangers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::http::StatusCode;

use crate::error::ApiError;

pub struct RateLimiter {
    /// Requests per second, sustained; 0 turns the limit off.
    rate: f64,
    /// Requests allowed at once after a quiet spell.
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: u32) -> Self {
        RateLimiter {
            rate,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket, or says how long to wait.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update: the counts are
        // still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - bucket.tokens) / self.rate).ceil().max(1.0) as u64;
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "this token sent more than {} requests per second: wait {wait} s (Retry-After) \
                 and send fewer",
                self.rate
            ),
        );
        err.retry_after = Some(wait);
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let limiter = RateLimiter::new(1.0, 3);
        for _ in 0..3 {
            assert!(limiter.check("t").is_ok());
        }
        let err = limiter.check("t").unwrap_err();
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(err.retry_after, Some(1));
        // Buckets are per token.
        assert!(limiter.check("other").is_ok());
    }

    #[test]
    fn zero_turns_it_off() {
        let limiter = RateLimiter::new(0.0, 1);
        for _ in 0..1000 {
            assert!(limiter.check("t").is_ok());
        }
    }
}
