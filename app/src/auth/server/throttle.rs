//! Sign-in throttling per account and per client IP (governor's GCRA limiters).

use crate::error::AppError;
use crate::server::Settings;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct SignInThrottle {
    per_account: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl SignInThrottle {
    pub fn new(settings: &Settings) -> SignInThrottle {
        SignInThrottle {
            per_account: DefaultKeyedRateLimiter::keyed(per_minute(
                settings.signin_per_minute_per_account,
            )),
            per_ip: DefaultKeyedRateLimiter::keyed(per_minute(settings.signin_per_minute_per_ip)),
        }
    }

    /// Counts one attempt; refuses with 429 and the wait when either budget is spent.
    pub fn attempt(&self, email: &str, ip: IpAddr) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        self.per_ip
            .check_key(&ip)
            .map_err(|n| AppError::rate_limited(n.wait_time_from(now).as_secs() + 1))?;
        self.per_account
            .check_key(&email.to_string())
            .map_err(|n| AppError::rate_limited(n.wait_time_from(now).as_secs() + 1))
    }

    /// Forgets keys whose budget has refilled, so memory stays bounded.
    pub fn retain_recent(&self) {
        self.per_account.retain_recent();
        self.per_ip.retain_recent();
    }
}

impl crate::server::AppState {
    /// The sign-in throttle.
    pub fn signin_throttle(&self) -> &SignInThrottle {
        self.part()
    }
}
