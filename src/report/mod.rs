//! The CSV reports of SPEC §6 and, for a food run, §8.6, written atomically and streamed:
//! `orders.csv` takes one row as each order is retired (in id order, since orders retire
//! from the front), the optional `events.csv` and `notifications.csv` take rows as they
//! happen, and `driver_rankings.csv`, `summary.csv` and (food) `restaurants.csv` are
//! written at the end. The set is written in a hidden sibling of the report folder and
//! replaces the folder in one step when it is complete ([`atomic`]): the folder always
//! holds one whole run's reports.
//!
//! The profile chosen when the set is created decides the columns of `orders.csv` and
//! `driver_rankings.csv` and whether `restaurants.csv` is written, so a parcel run's
//! reports are exactly those of SPEC §6.

pub mod atomic;
pub mod food;
pub mod food_stats;
pub mod rankings;
pub mod row;
pub mod stats;
pub mod summary;

use std::io;
use std::path::{Path, PathBuf};

pub use food::{FOOD_ORDER_COLUMNS, RESTAURANT_COLUMNS};
pub use food_stats::{FoodStats, RestaurantTally};
pub use rankings::{ranking_header, ranking_rows, FOOD_RANKING_COLUMNS, RANKING_COLUMNS};
use row::RowWriter;
pub use stats::Stats;
pub use summary::summary_rows;

use crate::engine::{Engine, Order, OrderId, Profile};
use crate::notify::Delivery;
use crate::time::Millis;

/// Columns of a parcel run's `orders.csv` (a food run's: [`FOOD_ORDER_COLUMNS`]).
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

/// Every file a report set of either profile may hold, with its header row, to recognise a
/// report folder (a file with two layouts is listed once per header; a food run's
/// `driver_rankings.csv` starts with the parcel header).
fn known_files() -> Vec<atomic::KnownFile> {
    let known = |name, columns: &[&str]| atomic::KnownFile {
        name,
        header: columns.join(","),
    };
    vec![
        known("orders.csv", &ORDER_COLUMNS),
        known("orders.csv", &FOOD_ORDER_COLUMNS),
        known("driver_rankings.csv", &RANKING_COLUMNS),
        known("summary.csv", &SUMMARY_COLUMNS),
        known("restaurants.csv", &RESTAURANT_COLUMNS),
        known("events.csv", &EVENT_COLUMNS),
        known("notifications.csv", &NOTIFICATION_COLUMNS),
    ]
}

/// The reports of one run, being written. Dropped without [`Reports::finish`] (a failed
/// run), it leaves the report folder as it was.
pub struct Reports {
    dir: PathBuf,
    /// Whose columns the set has.
    profile: Profile,
    orders: RowWriter,
    /// A food row's `items`, reused from row to row.
    items: String,
    events: Option<RowWriter>,
    notifications: Option<RowWriter>,
    event_seq: u64,
    /// Last, so that the files are closed before an unfinished set is removed.
    staged: atomic::StagedDir,
}

impl Reports {
    /// Starts the reports of `dir` for a run of `profile`: checks that `dir` is absent,
    /// empty or a report folder (anything else is refused, see
    /// [`ReportError::is_refusal`]), creates its parent if needed, and starts writing the
    /// set beside it. `dir` changes only on [`Reports::finish`].
    pub fn create(
        dir: &Path,
        profile: Profile,
        events: bool,
        notifications: bool,
    ) -> Result<Reports, ReportError> {
        let fail = |source| ReportError {
            dir: dir.to_path_buf(),
            source,
        };
        let staged = atomic::StagedDir::create(dir, known_files()).map_err(fail)?;
        let at = staged.path();
        let columns: &[&str] = match profile {
            Profile::Parcel => &ORDER_COLUMNS,
            Profile::Food => &FOOD_ORDER_COLUMNS,
        };
        let orders = RowWriter::create(at, "orders.csv", columns).map_err(fail)?;
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
            profile,
            orders,
            items: String::new(),
            events,
            notifications,
            event_seq: 0,
            staged,
        })
    }

    /// [`Reports::create`] for a run of `scenario`: its profile, and the optional reports
    /// its `[report]` asks for.
    pub fn for_scenario(dir: &Path, scenario: &crate::scenario::Scenario) -> Result<Reports, ReportError> {
        let asked = &scenario.report;
        Reports::create(dir, scenario.profile(), asked.events, asked.notifications)
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

    /// One row of `orders.csv`, in the columns of the set's profile.
    pub fn order(&mut self, engine: &Engine, order: &Order) -> Result<(), ReportError> {
        if self.profile == Profile::Food {
            food::write_order(&mut self.orders, &mut self.items, engine, order);
            return self.orders.end().map_err(|e| self.fail(e));
        }
        let customer = |c: crate::engine::CustomerId| engine.customers()[c.index()].name.as_str();
        let driver = order
            .driver
            .map_or("", |d| engine.drivers()[d.index()].name.as_str());
        let ms = |t: Option<Millis>| t.map(Millis::as_ms);
        self.orders
            .order(order.id)
            .text(customer(order.sender))
            .text(customer(order.recipient))
            .text(order.item().map_or("", |i| engine.catalog()[i.index()].as_str()))
            .number(order.created_at.as_ms())
            .opt(ms(order.assigned_at))
            .text(driver)
            .opt(ms(order.picked_up_at))
            .opt(ms(order.delivered_at))
            .opt(ms(order.cancelled_at))
            .code(order.cancel_reason.map_or("", |r| r.as_str()))
            .code(order.status.as_str())
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
        w.number(at.as_ms()).number(self.event_seq).text(kind);
        match order {
            Some(o) => w.order(o),
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
        w.number(d.at.as_ms())
            .plain(d.channel)
            .text(&d.recipient)
            .order(d.notice.order)
            .code(d.notice.kind.as_str())
            .text(&d.message);
        let result = w.end();
        result.map_err(|e| self.fail(e))
    }

    /// Writes the rankings, the summary and (food) the restaurants, then puts the whole set
    /// in place of the report folder in one step (the set it replaces, with any optional
    /// report this run did not write, goes with it). The run's length is
    /// `stats.sim_end_ms`.
    pub fn finish(
        self,
        engine: &Engine,
        stats: &Stats,
        summary: &[(String, String)],
    ) -> Result<(), ReportError> {
        let run_length = Millis(stats.sim_end_ms);
        let dir = self.dir.clone();
        let fail = |source| ReportError {
            dir: dir.clone(),
            source,
        };
        let at = self.staged.path();
        let header = ranking_header(self.profile);
        let mut rankings = RowWriter::create(at, "driver_rankings.csv", &header).map_err(fail)?;
        for row in ranking_rows(engine, run_length, self.profile) {
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
        if self.profile == Profile::Food {
            all.push(food::write_restaurants(at, engine, &stats.food).map_err(fail)?);
        }
        all.extend(self.events);
        all.extend(self.notifications);
        for file in all {
            file.finish().map_err(fail)?;
        }
        self.staged.commit().map_err(fail)
    }
}
