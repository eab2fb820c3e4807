//! `courier-sim run`: a seeded load scenario on the virtual clock, with a progress bar on a
//! terminal (shared with `threaded`) and a summary of the reports it wrote: a parcel run's
//! orders and waits, or a food run's click-to-door, money and kitchen-to-door figures, then
//! the top drivers both ways.

use std::path::PathBuf;
use std::process::ExitCode;

use super::load_scenario;
use courier_sim::engine::{rankings, Profile, RankBy};
use courier_sim::sim::load::{self, Progress, RunResult};
use courier_sim::time::Millis;

/// Runs a scenario to its report folder and prints a summary (unless `quiet`); exit 0, or
/// 2 when it could not run.
pub(crate) fn run(path: &std::path::Path, seed: Option<u64>, out: Option<PathBuf>, quiet: bool) -> ExitCode {
    let scenario = match load_scenario(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or(scenario.seed);
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&scenario.name));
    let mut bar = ProgressBar::new(scenario.horizon.0, quiet);
    let result = load::run_to_dir(&scenario, seed, &dir, &mut bar);
    bar.finish();
    match result {
        Ok(result) => {
            if quiet {
                return ExitCode::SUCCESS;
            }
            match super::print_out(&summary_text(&result, &dir, path, seed)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        Err(e) => {
            super::say_err!("courier-sim: {e}");
            // Only a bug is worth reproducing: a refused folder or a full disk is not the seed's.
            if matches!(e, load::RunError::Internal(_)) {
                super::say_err!(
                    "reproduce with: courier-sim run {} --seed {seed}",
                    super::shell_word(path)
                );
            }
            ExitCode::from(2)
        }
    }
}

/// A progress bar on a terminal, shown once a run has lasted about a second. It reads the
/// wall clock only to decide whether to show itself; nothing of it reaches the reports.
pub(super) struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    horizon: Millis,
    started: std::time::Instant,
    enabled: bool,
}

impl ProgressBar {
    pub(super) fn new(horizon: Millis, quiet: bool) -> Self {
        use std::io::IsTerminal;
        let enabled = !quiet && std::io::stderr().is_terminal();
        ProgressBar {
            bar: None,
            horizon,
            started: std::time::Instant::now(),
            enabled,
        }
    }

    pub(super) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ProgressBar {
    fn tick(&mut self, now: Millis) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= std::time::Duration::from_secs(1) {
            let bar = indicatif::ProgressBar::new(self.horizon.as_ms().max(1));
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} virtual time {msg} [{bar:40}] {percent}% ({elapsed})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(now.as_ms().min(self.horizon.as_ms()));
            bar.set_message(now.clock());
        }
    }
}

fn summary_text(result: &RunResult, dir: &std::path::Path, path: &std::path::Path, seed: u64) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // An empty cell in summary.csv means "no such order": say so in words.
    let value = |name: &str| {
        result
            .summary
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .unwrap_or("none")
    };
    let _ = writeln!(
        out,
        "scenario {} with seed {seed} (reproduce: courier-sim run {} --seed {seed})",
        value("scenario"),
        super::shell_word(path)
    );
    if result.engine.config().profile == Profile::Food {
        food_lines(&mut out, &value);
    } else {
        parcel_lines(&mut out, &value);
    }
    let _ = writeln!(
        out,
        "utilization {} over the whole run, {} while orders arrived",
        value("driver_utilization"),
        value("driver_utilization_during_arrivals")
    );
    let _ = writeln!(
        out,
        "events {}, virtual time {}",
        value("events_processed"),
        Millis(result.stats.sim_end_ms).clock()
    );
    let engine = &result.engine;
    for by in [RankBy::Deliveries, RankBy::Rating] {
        if engine.drivers().is_empty() {
            let _ = writeln!(out, "top drivers by {by}: none (no drivers)");
            continue;
        }
        let _ = writeln!(out, "top drivers by {by}:");
        for (rank, d) in rankings::board(engine, by).into_iter().take(10).enumerate() {
            let driver = &engine.drivers()[d.index()];
            let score = rankings::rating_score(engine, d)
                .map_or_else(|| "no rating".to_string(), |s| format!("score {s:.3}"));
            let _ = writeln!(
                out,
                "  {:>2}. {:<12} {:>6} deliveries  {:>4} ratings  {score}",
                rank + 1,
                driver.name,
                driver.deliveries,
                driver.ratings
            );
        }
    }
    let _ = writeln!(out, "reports written to {}", dir.display());
    out
}

/// The parcel run's orders and waits.
fn parcel_lines<'a>(out: &mut String, value: &impl Fn(&str) -> &'a str) {
    use std::fmt::Write as _;
    let _ =
        writeln!(out,
        "orders {}: delivered {}, cancelled {} for no pickup and {} by customers; {} duplicates prevented",
        value("orders_placed"),
        value("delivered"),
        value("cancelled_no_pickup"),
        value("cancelled_by_customer"),
        value("duplicates_prevented")
    );
    let ms = |name: &str| match value(name) {
        "none" => "none".to_string(),
        v => format!("{v} ms"),
    };
    let waits = match value("wait_assign_p50_ms") {
        "none" => "none".to_string(),
        p50 => format!(
            "{p50}/{}/{} ms",
            value("wait_assign_p90_ms"),
            value("wait_assign_p99_ms")
        ),
    };
    let _ = writeln!(
        out,
        "wait for a driver p50/p90/p99 (assigned orders): {waits}; mean wait for pickup {}; mean delivery {}",
        ms("wait_pickup_mean_ms"),
        ms("delivery_time_mean_ms"),
    );
}

/// The food run's figures (SPEC §8.6), click-to-door first: what a customer waits.
fn food_lines<'a>(out: &mut String, value: &impl Fn(&str) -> &'a str) {
    use std::fmt::Write as _;
    let span = |name: &str| {
        value(name)
            .parse::<f64>()
            .map_or_else(|_| "none".to_string(), duration)
    };
    let _ = writeln!(
        out,
        "click to door p50/p90/p99 (delivered orders): {} / {} / {}",
        span("click_to_door_p50_ms"),
        span("click_to_door_p90_ms"),
        span("click_to_door_p99_ms")
    );
    let _ = writeln!(
        out,
        "orders {}: delivered {}, cancelled {} by customers, rejected {} by restaurants; {} duplicates prevented",
        value("orders_placed"),
        value("delivered"),
        value("cancelled_by_customer"),
        value("rejected_by_restaurant"),
        value("duplicates_prevented")
    );
    let _ = writeln!(
        out,
        "placements refused: {} out of stock, {} restaurant closed",
        value("out_of_stock_refused"),
        value("restaurant_closed_refused")
    );
    if value("stranded") != "0" {
        let _ = writeln!(
            out,
            "stranded: {} meals still waiting at their restaurants when nothing more could happen (every driver had failed them, or there are none)",
            value("stranded")
        );
    }
    let _ = writeln!(
        out,
        "revenue {} after refunds of {}",
        money(value("revenue_cents")),
        money(value("refunded_cents"))
    );
    let eta = match value("eta_error_mean_ms").parse::<f64>() {
        Ok(e) if e.round() > 0.0 => format!("{} late", duration(e)),
        Ok(e) if e.round() < 0.0 => format!("{} early", duration(-e)),
        Ok(_) => "on time".to_string(),
        Err(_) => "none".to_string(),
    };
    let _ = writeln!(
        out,
        "mean ready to pickup {}; mean ETA error {eta}, {} absolute",
        span("ready_to_pickup_mean_ms"),
        span("eta_abs_error_mean_ms")
    );
    let _ = writeln!(
        out,
        "failed pickups {}; drivers flagged for review {}",
        value("failed_pickups"),
        value("drivers_flagged")
    );
}

/// Milliseconds as a readable duration to the second: `26m26s`, `1h2m3s`, `0s`.
fn duration(ms: f64) -> String {
    let secs = (ms.max(0.0) / 1000.0).round();
    // Far beyond any run; keeps the conversion exact.
    let secs = secs.min(1e15) as u64;
    Millis(secs.saturating_mul(1000)).to_string()
}

/// Cents as currency units with two decimals: `30581.18`.
fn money(cents: &str) -> String {
    match cents.parse::<u128>() {
        Ok(c) => format!("{}.{:02}", c / 100, c % 100),
        Err(_) => "none".to_string(),
    }
}
