//! The `courier-sim` command line: parses arguments, calls the library, and maps results
//! to exit codes in one place: 0 success, 1 a check failed, 2 bad usage or bad input.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use courier_sim::engine::{rankings, RankBy};
use courier_sim::sim::load::{self, Progress, RunResult};
use courier_sim::threaded::scale::TimeScale;
use courier_sim::time::Millis;

/// A deterministic discrete-event simulator of delivery platforms.
#[derive(Parser)]
#[command(name = "courier-sim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a .script file on the virtual clock and print its transcript.
    Script {
        /// The script to run.
        file: PathBuf,
        /// Enforce `expect` lines: exit 1 if any fails.
        #[arg(long)]
        check: bool,
    },
    /// Run a seeded load scenario (.toml) on the virtual clock and write CSV reports.
    Run {
        /// The scenario file.
        scenario: PathBuf,
        /// Seed of every random stream (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Folder for the reports (default: reports/<name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Validate a scenario (.toml) without running it: expected orders, offered load, warnings.
    Check {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// Run a scenario (.toml) or a script (.script) on real threads against one shared engine,
    /// then check the run by replay.
    ///
    /// Exit codes: 0 the run passed its check; 1 a violation (replay mismatch, broken
    /// invariant, stall, or a failed `expect` in a script); 2 bad usage or input, or a run
    /// that passed its check but lagged (the machine could not keep up: lower --time-scale).
    Threaded {
        /// The scenario (.toml) or script (.script) file.
        scenario: PathBuf,
        /// Seed of every random stream (default: the scenario's `seed`). Scenarios only.
        #[arg(long)]
        seed: Option<u64>,
        /// Virtual milliseconds per wall millisecond, from 0.01 to 1000000 (1 = real time).
        /// Default: for a scenario, its horizon ÷ 20 s, so that the arrivals last about 20 s
        /// of wall time; for a script, 1 (real time).
        #[arg(long, value_name = "X", allow_negative_numbers = true)]
        time_scale: Option<TimeScale>,
        /// Worker threads, from 1 to 1024, plus one timer thread [default: 4]. Scenarios only.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Folder for the reports (default: reports/<name>-threaded/). Scenarios only.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Cmd::Script { file, check } => script(&file, check),
        Cmd::Run {
            scenario,
            seed,
            out,
            quiet,
        } => run(&scenario, seed, out, quiet),
        Cmd::Check { scenario } => check(&scenario),
        Cmd::Threaded {
            scenario,
            seed,
            time_scale,
            threads,
            out,
        } => threaded(&scenario, seed, time_scale, threads, out),
    }
}

/// A script on real threads, in real time at `--time-scale 1` (its default): its
/// expectations are enforced and its log is checked by replay.
fn threaded_script(path: &std::path::Path, time_scale: Option<TimeScale>) -> ExitCode {
    let (time_scale, how) = match time_scale {
        Some(scale) => (scale, ""),
        None => (TimeScale::REAL_TIME, " (real time, the default for a script)"),
    };
    eprintln!(
        "threaded script {} at time scale {time_scale}{how}",
        path.display()
    );
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = courier_sim::threaded::script_host::run_script(path, time_scale, &mut LineFlush(&mut out));
    let _ = out.flush();
    drop(out);
    match result {
        Ok((summary, verdict)) => {
            for failure in &summary.failures {
                eprintln!(
                    "{}:{}: expectation failed: {}",
                    path.display(),
                    failure.line,
                    failure.message
                );
            }
            let failed = summary.failures.len();
            let text = format!(
                "{} passed, {failed} failed\n{verdict}\n",
                summary.expectations - failed
            );
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            for violation in &verdict.violations {
                eprintln!("violation: {violation}");
            }
            if failed == 0 && verdict.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => script_error(&e),
    }
}

/// Reports a script that could not run to its end: a bad line as `FILE:LINE: message`
/// (SPEC §4), anything else with the program's name; exit code 2.
fn script_error(e: &courier_sim::script::ScriptError) -> ExitCode {
    match e {
        courier_sim::script::ScriptError::Line { .. } => eprintln!("{e}"),
        _ => eprintln!("courier-sim: {e}"),
    }
    ExitCode::from(2)
}

/// Flushes after every line, so a real-time transcript shows each line as it happens.
struct LineFlush<'a, W: Write>(&'a mut W);

impl<W: Write> Write for LineFlush<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        if buf.contains(&b'\n') {
            self.0.flush()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The default number of worker threads.
const DEFAULT_THREADS: usize = 4;
/// The most worker threads a run may ask for.
const MAX_THREADS: usize = 1024;

fn threaded(
    path: &std::path::Path,
    seed: Option<u64>,
    time_scale: Option<TimeScale>,
    threads: Option<usize>,
    out: Option<PathBuf>,
) -> ExitCode {
    use courier_sim::threaded::run::{self, Ending};
    if path.extension().is_some_and(|e| e == "script") {
        let given: Vec<&str> = [
            (seed.is_some(), "--seed"),
            (threads.is_some(), "--threads"),
            (out.is_some(), "--out"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        if !given.is_empty() {
            eprintln!(
                "courier-sim: {} cannot be used with a script ({}): a script has no random streams, \
                 runs its lines on one thread (plus the timer thread) and writes no reports; \
                 only --time-scale applies to it",
                given.join(", "),
                path.display()
            );
            return ExitCode::from(2);
        }
        return threaded_script(path, time_scale);
    }
    let threads = threads.unwrap_or(DEFAULT_THREADS);
    if !(1..=MAX_THREADS).contains(&threads) {
        eprintln!("courier-sim: --threads must be between 1 and {MAX_THREADS}, found {threads}");
        return ExitCode::from(2);
    }
    let scenario = match load_scenario(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or(scenario.seed);
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-threaded", scenario.name)));
    let horizon = scenario.horizon.0;
    let (time_scale, how) = match time_scale {
        Some(scale) => (scale, ""),
        None => (
            TimeScale::for_horizon(horizon),
            " (the default: the horizon ÷ 20 s; set it with --time-scale)",
        ),
    };
    eprintln!(
        "threaded run of {} (seed {seed}) on {threads} worker threads at time scale {time_scale}{how}: \
         the arrivals last about {:.1?} of wall time",
        scenario.name,
        time_scale.wall_uncapped(horizon)
    );
    let options = run::Options::new(seed, time_scale, threads);
    let mut bar = ProgressBar::new(horizon, false);
    let result = run::run(&scenario, options, Some(&dir), &mut bar);
    bar.finish();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("courier-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let ops = outcome.verdict.operations as f64 / outcome.wall.as_secs_f64().max(1e-9);
    let mut text = format!("{}\n", outcome.verdict);
    for violation in &outcome.verdict.violations {
        text += &format!("  violation: {violation}\n");
    }
    if outcome.stalled {
        text +=
            "  the run stalled: orders were still live with no work queued or in hand that could end them\n";
    }
    text += &format!(
        "wall time {:.2?} ({ops:.0} operations/s); reports written to {}\n",
        outcome.wall,
        dir.display()
    );
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let lag = outcome
        .lateness
        .lagged()
        .then(|| format!("courier-sim: {}", outcome.lag_message(time_scale)));
    match outcome.ending() {
        Ending::Passed => ExitCode::SUCCESS,
        Ending::Lagged => {
            eprintln!("{}", lag.unwrap_or_default());
            ExitCode::from(2)
        }
        Ending::Failed => {
            if let Some(lag) = lag {
                eprintln!("{lag}");
            }
            eprintln!(
                "reproduce with: courier-sim threaded {} --seed {seed} --time-scale {time_scale} --threads {threads}",
                path.display()
            );
            ExitCode::from(1)
        }
    }
}

/// Validates a scenario and prints what it will ask of its fleet; exit 0 when valid
/// (warnings included), 2 when not.
fn check(path: &std::path::Path) -> ExitCode {
    use std::fmt::Write as _;
    let scenario = match load_scenario(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let e = courier_sim::scenario::check::estimate(&scenario);
    let mut out = String::new();
    let _ = writeln!(out, "{}: valid", path.display());
    let _ = writeln!(
        out,
        "  {}: seed {}, policy {}, horizon {}, pickup deadline {}, {} drivers, {} customers",
        scenario.name,
        scenario.seed,
        scenario.policy().as_str(),
        scenario.horizon.0,
        scenario.dispatch.pickup_deadline.0,
        scenario.fleet.drivers,
        scenario.demand.customers
    );
    let _ = writeln!(
        out,
        "  expected orders: about {:.0} ({:.2} a minute on average, {:.2} at the peak)",
        e.expected_orders, e.mean_rate_per_min, e.peak_rate_per_min
    );
    let seconds = |t: Millis| Millis((t.as_ms() + 500) / 1000 * 1000);
    let _ = writeln!(
        out,
        "  a driver is busy about {} an order (pickup delay, delivery, travel {} a leg at the area's mean distance, no-shows held to the deadline)",
        seconds(e.busy_per_order),
        seconds(e.travel_leg)
    );
    if scenario.policy() == courier_sim::engine::Policy::Nearest {
        let _ = writeln!(
            out,
            "  (`nearest` shortens the trip to the sender, so the real capacity is higher)"
        );
    }
    if e.capacity_per_min.is_finite() {
        let _ = writeln!(
            out,
            "  fleet capacity: about {:.2} orders a minute; offered load {:.2} on average, {:.2} at the peak",
            e.capacity_per_min, e.mean_load, e.peak_load
        );
    } else {
        let _ = writeln!(out, "  fleet capacity: unbounded (orders take no time)");
    }
    if e.warnings.is_empty() {
        let _ = writeln!(out, "  warnings: none");
    }
    for w in &e.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

/// Loads a scenario, or reports why not (file, field, position) with exit code 2.
fn load_scenario(path: &std::path::Path) -> Result<courier_sim::scenario::Scenario, ExitCode> {
    courier_sim::scenario::load(path).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(2)
    })
}

fn run(path: &std::path::Path, seed: Option<u64>, out: Option<PathBuf>, quiet: bool) -> ExitCode {
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
            if !quiet {
                print_summary(&result, &dir, path, seed);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("courier-sim: {e}");
            // Only a bug is worth reproducing: a refused folder or a full disk is not the seed's.
            if matches!(e, load::RunError::Internal(_)) {
                eprintln!("reproduce with: courier-sim run {} --seed {seed}", path.display());
            }
            ExitCode::from(2)
        }
    }
}

/// A progress bar on a terminal, shown once a run has lasted about a second. It reads the
/// wall clock only to decide whether to show itself; nothing of it reaches the reports.
struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    horizon: Millis,
    started: std::time::Instant,
    enabled: bool,
}

impl ProgressBar {
    fn new(horizon: Millis, quiet: bool) -> Self {
        use std::io::IsTerminal;
        let enabled = !quiet && std::io::stderr().is_terminal();
        ProgressBar {
            bar: None,
            horizon,
            started: std::time::Instant::now(),
            enabled,
        }
    }

    fn finish(&mut self) {
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

fn print_summary(result: &RunResult, dir: &std::path::Path, path: &std::path::Path, seed: u64) {
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
        path.display()
    );
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
    // A closed stdout (`| head`) is not an error of the run.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

fn script(file: &std::path::Path, check: bool) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = courier_sim::script::run_file(file, check, &mut out);
    let _ = out.flush();
    drop(out);
    match result {
        Ok(summary) => {
            let name = file.display();
            for failure in &summary.failures {
                eprintln!("{name}:{}: expectation failed: {}", failure.line, failure.message);
            }
            if check {
                let failed = summary.failures.len();
                let _ = writeln!(
                    std::io::stdout(),
                    "{} passed, {failed} failed",
                    summary.expectations - failed
                );
            }
            if summary.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => script_error(&e),
    }
}
