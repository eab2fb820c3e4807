//! The CSV reports of SPEC §6, written atomically and streamed: `orders.csv` takes one row
//! as each order is retired (in id order, since orders retire from the front), the optional
//! `events.csv` and `notifications.csv` take rows as they happen, and `driver_rankings.csv`
//! and `summary.csv` are written at the end. Every file appears under its final name only
//! when the whole set is complete.

pub mod atomic;
pub mod stats;

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use atomic::PendingFile;
pub use stats::Stats;

use crate::engine::{rankings, DriverId, Engine, Order, RankBy};
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

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

type Csv = csv::Writer<PendingFile>;

/// The reports of one run, being written.
pub struct Reports {
    dir: PathBuf,
    orders: Csv,
    events: Option<Csv>,
    notifications: Option<Csv>,
    event_seq: u64,
    /// Reused for number formatting, so rows cost no allocation.
    field: String,
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn open(dir: &Path, name: &str, header: &[&str]) -> io::Result<Csv> {
    let mut w = csv::Writer::from_writer(PendingFile::create(dir, name)?);
    w.write_record(header).map_err(csv_error)?;
    Ok(w)
}

impl Reports {
    /// Starts the reports in `dir` (created if needed).
    pub fn create(dir: &Path, events: bool, notifications: bool) -> Result<Reports, ReportError> {
        let fail = |source| ReportError {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let orders = open(dir, "orders.csv", &ORDER_COLUMNS).map_err(fail)?;
        let events = events
            .then(|| open(dir, "events.csv", &EVENT_COLUMNS))
            .transpose()
            .map_err(fail)?;
        let notifications = notifications
            .then(|| open(dir, "notifications.csv", &NOTIFICATION_COLUMNS))
            .transpose()
            .map_err(fail)?;
        Ok(Reports {
            dir: dir.to_path_buf(),
            orders,
            events,
            notifications,
            event_seq: 0,
            field: String::new(),
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
        let w = &mut self.orders;
        let f = &mut self.field;
        let customer = |c: crate::engine::CustomerId| engine.customers()[c.index()].name.as_str();
        let result = (|| -> csv::Result<()> {
            text(w, f, format_args!("{}", order.id))?;
            w.write_field(customer(order.sender))?;
            w.write_field(customer(order.recipient))?;
            w.write_field(&engine.catalog()[order.item.index()])?;
            num(w, f, Some(order.created_at.as_ms()))?;
            num(w, f, order.assigned_at.map(Millis::as_ms))?;
            w.write_field(
                order
                    .driver
                    .map_or("", |d| engine.drivers()[d.index()].name.as_str()),
            )?;
            num(w, f, order.picked_up_at.map(Millis::as_ms))?;
            num(w, f, order.delivered_at.map(Millis::as_ms))?;
            num(w, f, order.cancelled_at.map(Millis::as_ms))?;
            w.write_field(order.cancel_reason.map_or("", |r| r.as_str()))?;
            w.write_field(order.status.as_str())?;
            num(w, f, order.rating.map(u64::from))?;
            w.write_record(None::<&[u8]>)
        })();
        result.map_err(|e| self.fail(csv_error(e)))
    }

    /// One row of `events.csv`, if it is being written.
    pub fn event(
        &mut self,
        at: Millis,
        kind: &str,
        order: Option<String>,
        driver: &str,
        detail: &str,
    ) -> Result<(), ReportError> {
        let Some(w) = self.events.as_mut() else {
            return Ok(());
        };
        let f = &mut self.field;
        self.event_seq += 1;
        let seq = self.event_seq;
        let result = (|| -> csv::Result<()> {
            num(w, f, Some(at.as_ms()))?;
            num(w, f, Some(seq))?;
            w.write_field(kind)?;
            w.write_field(order.as_deref().unwrap_or(""))?;
            w.write_field(driver)?;
            w.write_field(detail)?;
            w.write_record(None::<&[u8]>)
        })();
        result.map_err(|e| self.fail(csv_error(e)))
    }

    /// One row of `notifications.csv`, if it is being written.
    pub fn notification(&mut self, d: &Delivery) -> Result<(), ReportError> {
        let Some(w) = self.notifications.as_mut() else {
            return Ok(());
        };
        let f = &mut self.field;
        let result = (|| -> csv::Result<()> {
            num(w, f, Some(d.at.as_ms()))?;
            w.write_field(d.channel.as_str())?;
            w.write_field(&d.recipient)?;
            text(w, f, format_args!("{}", d.notice.order))?;
            w.write_field(d.notice.kind.as_str())?;
            w.write_field(&d.message)?;
            w.write_record(None::<&[u8]>)
        })();
        result.map_err(|e| self.fail(csv_error(e)))
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
        let mut rankings = open(&dir, "driver_rankings.csv", &RANKING_COLUMNS).map_err(fail)?;
        for row in ranking_rows(engine, run_length) {
            rankings.write_record(&row).map_err(|e| fail(csv_error(e)))?;
        }
        let mut summary_csv = open(&dir, "summary.csv", &["metric", "value"]).map_err(fail)?;
        for (metric, value) in summary {
            summary_csv
                .write_record([metric, value])
                .map_err(|e| fail(csv_error(e)))?;
        }
        let mut all = vec![self.orders, rankings, summary_csv];
        all.extend(self.events);
        all.extend(self.notifications);
        // Flush everything first, so a failure leaves no report under its final name.
        let mut files = Vec::with_capacity(all.len());
        for w in all {
            let mut file = w
                .into_inner()
                .map_err(|e| fail(io::Error::other(e.to_string())))?;
            file.finish().map_err(fail)?;
            files.push(file);
        }
        for file in files {
            file.commit().map_err(fail)?;
        }
        Ok(())
    }
}

fn num(w: &mut Csv, buf: &mut String, value: Option<u64>) -> csv::Result<()> {
    buf.clear();
    if let Some(v) = value {
        let _ = write!(buf, "{v}");
    }
    w.write_field(buf.as_bytes())
}

fn text(w: &mut Csv, buf: &mut String, args: std::fmt::Arguments<'_>) -> csv::Result<()> {
    buf.clear();
    let _ = buf.write_fmt(args);
    w.write_field(buf.as_bytes())
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
