//! Per-IP request rate limiting (governor's GCRA): `429` + `Retry-After` beyond the budget.

use app::error::AppError;
use app::server::Settings;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct IpRateLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl IpRateLimiter {
    pub fn new(settings: &Settings) -> IpRateLimiter {
        let rate =
            NonZeroU32::new(settings.rate_limit_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(settings.rate_limit_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let limiter = DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst));
        IpRateLimiter(Arc::new(limiter))
    }

    /// Spends one request of `ip`'s budget, or says how long to wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        if let Err(not_until) = self.0.check_key(&ip) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            return Err(AppError::rate_limited(wait.as_secs() + 1));
        }
        if self.0.len() > 100_000 {
            self.0.retain_recent();
        }
        Ok(())
    }
}
