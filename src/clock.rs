//! The application's clock. Production reads the system time; tests move it
//! forward to expire sessions and lockouts without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Today in China Standard Time (UTC+8), where every station is.
    pub fn today(&self) -> NaiveDate {
        let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
        self.now().with_timezone(&cst).date_naive()
    }

    /// Move this clock (and every clone of it) forward.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
