//! The CSV reports of SPEC §6, written atomically and streamed: `orders.csv` takes one row
//! as each order is retired (in id order, since orders retire from the front), the optional
//! `events.csv` and `notifications.csv` take rows as they happen, and `driver_rankings.csv`
//! and `summary.csv` are written at the end. The set is written in a hidden sibling of the
//! report folder and replaces the folder in one step when it is complete ([`atomic`]): the
//! folder always holds one whole run's reports.

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

/// Columns of `summary.csv`.
pub const SUMMARY_COLUMNS: [&str; 2] = ["metric", "value"];

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

impl ReportError {
    /// Whether the folder was refused because replacing it could delete someone's files (it
    /// is not absent, empty or a courier-sim report folder, or it is the current folder or a
    /// mount point). The folder was left as it was.
    pub fn is_refusal(&self) -> bool {
        atomic::is_refusal(&self.source)
    }
}

/// Every file a report set may hold, with its header row, to recognise a report folder.
fn known_files() -> Vec<atomic::KnownFile> {
    let known = |name, columns: &[&str]| atomic::KnownFile {
        name,
        header: columns.join(","),
    };
    vec![
        known("orders.csv", &ORDER_COLUMNS),
        known("driver_rankings.csv", &RANKING_COLUMNS),
        known("summary.csv", &SUMMARY_COLUMNS),
        known("events.csv", &EVENT_COLUMNS),
        known("notifications.csv", &NOTIFICATION_COLUMNS),
    ]
}

/// The reports of one run, being written. Dropped without [`Reports::finish`] (a failed
/// run), it leaves the report folder as it was.
pub struct Reports {
    dir: PathBuf,
    orders: RowWriter,
    events: Option<RowWriter>,
    notifications: Option<RowWriter>,
    event_seq: u64,
    /// Last, so that the files are closed before an unfinished set is removed.
    staged: atomic::StagedDir,
}

impl Reports {
    /// Starts the reports of `dir`: checks that `dir` is absent, empty or a report folder
    /// (anything else is refused, see [`ReportError::is_refusal`]), creates its parent if
    /// needed, and starts writing the set beside it. `dir` changes only on
    /// [`Reports::finish`].
    pub fn create(dir: &Path, events: bool, notifications: bool) -> Result<Reports, ReportError> {
        let fail = |source| ReportError {
            dir: dir.to_path_buf(),
            source,
        };
        let staged = atomic::StagedDir::create(dir, known_files()).map_err(fail)?;
        let at = staged.path();
        let orders = RowWriter::create(at, "orders.csv", &ORDER_COLUMNS).map_err(fail)?;
        let events = events
            .then(|| RowWriter::create(at, "events.csv", &EVENT_COLUMNS))
            .transpose()
            .map_err(fail)?;
        let notifications = notifications
            .then(|| RowWriter::create(at, "notifications.csv", &NOTIFICATION_COLUMNS))
            .transpose()
            .map_err(fail)?;
        Ok(Reports {
            dir: dir.to_path_buf(),
            orders,
            events,
            notifications,
            event_seq: 0,
            staged,
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
            .text(order.item().map_or("", |i| engine.catalog()[i.index()].as_str()))
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

    /// Writes the rankings and the summary, then puts the whole set in place of the report
    /// folder in one step (the set it replaces, with any optional report this run did not
    /// write, goes with it).
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
        let at = self.staged.path();
        let mut rankings = RowWriter::create(at, "driver_rankings.csv", &RANKING_COLUMNS).map_err(fail)?;
        for row in ranking_rows(engine, run_length) {
            for field in &row {
                rankings.text(field);
            }
            rankings.end().map_err(fail)?;
        }
        let mut summary_csv = RowWriter::create(at, "summary.csv", &SUMMARY_COLUMNS).map_err(fail)?;
        for (metric, value) in summary {
            summary_csv.text(metric).text(value);
            summary_csv.end().map_err(fail)?;
        }
        let mut all = vec![self.orders, rankings, summary_csv];
        all.extend(self.events);
        all.extend(self.notifications);
        for file in all {
            file.finish().map_err(fail)?;
        }
        self.staged.commit().map_err(fail)
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
    let during_arrivals = if horizon == 0 || drivers.is_empty() {
        0.0
    } else {
        s.busy_during_arrivals_ms as f64 / (horizon as f64 * drivers.len() as f64)
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
        (
            "driver_utilization_during_arrivals",
            format!("{during_arrivals:.4}"),
        ),
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
