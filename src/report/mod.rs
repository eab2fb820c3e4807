//! The CSV reports of SPEC §6, written atomically and streamed: `orders.csv` takes one row
//! as each order is retired (in id order, since orders retire from the front), the optional
//! `events.csv` and `notifications.csv` take rows as they happen, and `driver_rankings.csv`
//! and `summary.csv` are written at the end. Every file appears under its final name only
//! when the whole set is complete.

pub mod atomic;
pub mod row;
pub mod stats;

use std::io;
use std::path::{Path, PathBuf};

use row::RowWriter;
pub use stats::Stats;

use crate::engine::{rankings, DriverId, Engine, Order, OrderId, RankBy};
use crate::notify::Delivery;
use crate::time::Millis;

/// Columns of `orders.csv`.
pub const ORDER_COLUMNS: [&str; 13] = [
    "order_id",
    "sender",
    "recipient",
    "item",
    "created_ms",
    "assigned_ms",
    "driver",
    "picked_up_ms",
    "delivered_ms",
    "cancelled_ms",
    "cancel_reason",
    "status",
    "rating",
];

/// Columns of `driver_rankings.csv`.
pub const RANKING_COLUMNS: [&str; 10] = [
    "driver",
    "deliveries",
    "rating_avg",
    "ratings",
    "rating_score",
    "rank_by_deliveries",
    "rank_by_rating",
    "busy_ms",
    "utilization",
    "assigned_then_cancelled",
];

/// Columns of `events.csv`.
pub const EVENT_COLUMNS: [&str; 6] = ["time_ms", "seq", "kind", "order_id", "driver", "detail"];

/// Columns of `notifications.csv`.
pub const NOTIFICATION_COLUMNS: [&str; 6] =
    ["time_ms", "channel", "recipient", "order_id", "kind", "message"];

/// A report that could not be written.
#[derive(Debug)]
pub struct ReportError {
    /// The folder being written.
    pub dir: PathBuf,
    /// What went wrong.
    pub source: io::Error,
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot write the reports in {}: {}",
            self.dir.display(),
            self.source
        )
    }
}

impl std::error::Error for ReportError {}

/// The reports of one run, being written.
pub struct Reports {
    dir: PathBuf,
    orders: RowWriter,
    events: Option<RowWriter>,
    notifications: Option<RowWriter>,
    event_seq: u64,
}

impl Reports {
    /// Starts the reports in `dir` (created if needed).
    pub fn create(dir: &Path, events: bool, notifications: bool) -> Result<Reports, ReportError> {
        let fail = |source| ReportError {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let orders = RowWriter::create(dir, "orders.csv", &ORDER_COLUMNS).map_err(fail)?;
        let events = events
            .then(|| RowWriter::create(dir, "events.csv", &EVENT_COLUMNS))
            .transpose()
            .map_err(fail)?;
        let notifications = notifications
            .then(|| RowWriter::create(dir, "notifications.csv", &NOTIFICATION_COLUMNS))
            .transpose()
            .map_err(fail)?;
        Ok(Reports {
            dir: dir.to_path_buf(),
            orders,
            events,
            notifications,
            event_seq: 0,
        })
    }

    fn fail(&self, source: io::Error) -> ReportError {
        ReportError {
            dir: self.dir.clone(),
            source,
        }
    }

    /// Whether `events.csv` is being written.
    pub fn wants_events(&self) -> bool {
        self.events.is_some()
    }

    /// Whether `notifications.csv` is being written.
    pub fn wants_notifications(&self) -> bool {
        self.notifications.is_some()
    }

    /// One row of `orders.csv`.
    pub fn order(&mut self, engine: &Engine, order: &Order) -> Result<(), ReportError> {
        let customer = |c: crate::engine::CustomerId| engine.customers()[c.index()].name.as_str();
        let driver = order
            .driver
            .map_or("", |d| engine.drivers()[d.index()].name.as_str());
        let ms = |t: Option<Millis>| t.map(Millis::as_ms);
        self.orders
            .plain(order.id)
            .text(customer(order.sender))
            .text(customer(order.recipient))
            .text(&engine.catalog()[order.item.index()])
            .plain(order.created_at.as_ms())
            .opt(ms(order.assigned_at))
            .text(driver)
            .opt(ms(order.picked_up_at))
            .opt(ms(order.delivered_at))
            .opt(ms(order.cancelled_at))
            .plain(order.cancel_reason.map_or("", |r| r.as_str()))
            .plain(order.status)
            .opt(order.rating.map(u64::from));
        self.orders.end().map_err(|e| self.fail(e))
    }

    /// One row of `events.csv`, if it is being written.
    pub fn event(
        &mut self,
        at: Millis,
        kind: &str,
        order: Option<OrderId>,
        driver: &str,
        detail: &str,
    ) -> Result<(), ReportError> {
        let Some(w) = self.events.as_mut() else {
            return Ok(());
        };
        self.event_seq += 1;
        w.plain(at.as_ms()).plain(self.event_seq).text(kind);
        match order {
            Some(o) => w.plain(o),
            None => w.text(""),
        };
        w.text(driver).text(detail);
        let result = w.end();
        result.map_err(|e| self.fail(e))
    }

    /// One row of `notifications.csv`, if it is being written.
    pub fn notification(&mut self, d: &Delivery) -> Result<(), ReportError> {
        let Some(w) = self.notifications.as_mut() else {
            return Ok(());
        };
        w.plain(d.at.as_ms())
            .plain(d.channel)
            .text(&d.recipient)
            .plain(d.notice.order)
            .plain(d.notice.kind.as_str())
            .text(&d.message);
        let result = w.end();
        result.map_err(|e| self.fail(e))
    }

    /// Writes the rankings and the summary, then moves every report to its final name.
    pub fn finish(
        self,
        engine: &Engine,
        summary: &[(String, String)],
        run_length: Millis,
    ) -> Result<(), ReportError> {
        let dir = self.dir.clone();
        let fail = |source| ReportError {
            dir: dir.clone(),
            source,
        };
        let mut rankings = RowWriter::create(&dir, "driver_rankings.csv", &RANKING_COLUMNS).map_err(fail)?;
        for row in ranking_rows(engine, run_length) {
            for field in &row {
                rankings.text(field);
            }
            rankings.end().map_err(fail)?;
        }
        let mut summary_csv = RowWriter::create(&dir, "summary.csv", &["metric", "value"]).map_err(fail)?;
        for (metric, value) in summary {
            summary_csv.text(metric).text(value);
            summary_csv.end().map_err(fail)?;
        }
        // Optional reports this run did not write must not survive from an earlier run: the
        // folder describes one run.
        let stale: Vec<&str> = [
            ("events.csv", self.events.is_none()),
            ("notifications.csv", self.notifications.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        let mut all = vec![self.orders, rankings, summary_csv];
        all.extend(self.events);
        all.extend(self.notifications);
        // Flush everything first, so a failure leaves no report under its final name.
        let mut files: Vec<_> = all.into_iter().map(RowWriter::into_file).collect();
        for file in &mut files {
            file.finish().map_err(fail)?;
        }
        for file in files {
            file.commit().map_err(fail)?;
        }
        for name in stale {
            match std::fs::remove_file(dir.join(name)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(fail(e)),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The `(metric, value)` rows of `summary.csv`.
pub fn summary_rows(
    scenario: &crate::scenario::Scenario,
    seed: u64,
    engine: &Engine,
    s: &Stats,
) -> Vec<(String, String)> {
    let run_length = s.sim_end_ms;
    let drivers = engine.drivers();
    let busy: u128 = drivers
        .iter()
        .map(|d| u128::from(d.busy_ms_at(Millis(run_length))))
        .sum();
    let utilization = if run_length == 0 || drivers.is_empty() {
        0.0
    } else {
        busy as f64 / (run_length as f64 * drivers.len() as f64)
    };
    let horizon = scenario.horizon.0.as_ms();
    let during_arrivals = match s.busy_during_arrivals_ms {
        Some(busy) if horizon > 0 && !drivers.is_empty() => {
            format!("{:.4}", busy as f64 / (horizon as f64 * drivers.len() as f64))
        }
        Some(_) => format!("{:.4}", 0.0),
        None => String::new(),
    };
    let opt = |v: Option<u64>| v.map_or_else(String::new, |v| v.to_string());
    let mean = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    let rows: Vec<(&str, String)> = vec![
        ("scenario", scenario.name.clone()),
        ("seed", seed.to_string()),
        ("policy", scenario.policy().as_str().to_string()),
        ("drivers", drivers.len().to_string()),
        ("orders_placed", s.orders_placed.to_string()),
        ("duplicates_prevented", s.duplicates_prevented.to_string()),
        ("delivered", s.delivered.to_string()),
        ("cancelled_no_pickup", s.cancelled_no_pickup.to_string()),
        ("cancelled_by_customer", s.cancelled_by_customer.to_string()),
        ("pickup_refused_cancelled", s.pickup_refused_cancelled.to_string()),
        ("cancel_refused_picked_up", s.cancel_refused_picked_up.to_string()),
        ("cancel_refused_delivered", s.cancel_refused_delivered.to_string()),
        ("no_shows", s.no_shows.to_string()),
        ("ratings", s.ratings.to_string()),
        ("wait_assign_p50_ms", opt(s.wait_assign_percentile(50.0))),
        ("wait_assign_p90_ms", opt(s.wait_assign_percentile(90.0))),
        ("wait_assign_p99_ms", opt(s.wait_assign_percentile(99.0))),
        ("wait_pickup_mean_ms", mean(s.wait_pickup_mean_ms())),
        ("delivery_time_mean_ms", mean(s.delivery_time_mean_ms())),
        ("driver_utilization", format!("{utilization:.4}")),
        ("driver_utilization_during_arrivals", during_arrivals),
        ("notifications_sent", s.notifications_sent.to_string()),
        ("events_processed", s.events_processed.to_string()),
        ("sim_end_ms", s.sim_end_ms.to_string()),
    ];
    rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The rows of `driver_rankings.csv`, sorted by rank by deliveries.
pub fn ranking_rows(engine: &Engine, run_length: Millis) -> Vec<[String; 10]> {
    let by_deliveries = rankings::board(engine, RankBy::Deliveries);
    let mut rating_rank = vec![0usize; engine.drivers().len()];
    for (rank, d) in rankings::board(engine, RankBy::Rating).into_iter().enumerate() {
        rating_rank[d.index()] = rank + 1;
    }
    by_deliveries
        .into_iter()
        .enumerate()
        .map(|(rank, id)| ranking_row(engine, id, rank + 1, rating_rank[id.index()], run_length))
        .collect()
}

fn ranking_row(
    engine: &Engine,
    id: DriverId,
    rank_d: usize,
    rank_r: usize,
    run_length: Millis,
) -> [String; 10] {
    let d = &engine.drivers()[id.index()];
    let busy = d.busy_ms_at(run_length);
    let utilization = if run_length.as_ms() == 0 {
        0.0
    } else {
        busy as f64 / run_length.as_ms() as f64
    };
    [
        d.name.clone(),
        d.deliveries.to_string(),
        if d.ratings == 0 {
            String::new()
        } else {
            format!("{:.4}", d.stars as f64 / f64::from(d.ratings))
        },
        d.ratings.to_string(),
        rankings::rating_score(engine, id).map_or_else(String::new, |s| format!("{s:.4}")),
        rank_d.to_string(),
        rank_r.to_string(),
        busy.to_string(),
        format!("{utilization:.4}"),
        d.assigned_then_cancelled.to_string(),
    ]
}
